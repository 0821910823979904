import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/run-cli.ts';

// bin/tts-batch.js runs src/ through Node's own type stripping, with no loader. tsc's
// erasableSyntaxOnly catches enums, namespaces and parameter properties, but not an import that
// only a loader would resolve (a `.js` specifier for a `.ts` file, a JSON import without its
// attribute): loading every module in a plain node child catches those too.
const IMPORT_EACH = `
const failures = [];
for (const url of process.argv.slice(1)) {
  try { await import(url); } catch (error) { failures.push(url + ': ' + String(error).split('\\n')[0]); }
}
process.stdout.write(JSON.stringify(failures));
process.exit(0);
`;

/** Every module under src/ except the entry point, whose import runs the command line. */
function sourceModules(): string[] {
  const src = join(REPO_ROOT, 'src');
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts') && path !== join('cli', 'main.ts'))
    .map((path) => pathToFileURL(join(src, path)).href);
}

function importInPlainNode(urls: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // No NODE_OPTIONS and no --import: nothing but Node itself handles the TypeScript.
    const child = spawn(process.execPath, ['--input-type=module', '-e', IMPORT_EACH, ...urls], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sources run under Node type stripping', () => {
  it('every module under src/ loads in a plain node process', async () => {
    const urls = sourceModules();
    expect(urls.length).toBeGreaterThan(100);
    const result = await importInPlainNode(urls);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
  });
});
