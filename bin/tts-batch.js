#!/usr/bin/env node
// Runs the TypeScript sources directly: Node >= 22.18 strips the types itself (tsconfig's
// erasableSyntaxOnly keeps every source strippable), so there is no build step and no loader.
import process from 'node:process';

// Without type stripping the first `.ts` import fails with ERR_UNKNOWN_FILE_EXTENSION; say why instead.
if (!process.features.typescript) {
  process.stderr.write(
    `tts-batch needs Node.js >= 22.18 with type stripping on (it runs its TypeScript sources directly); this is node ${process.version}.\n` +
      '`source scripts/ensure-node.sh` puts Node 24 on PATH.\n',
  );
  process.exit(1);
}
await import('../src/cli/main.ts');
