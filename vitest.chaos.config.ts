import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos`: the chaos suite (docs/reliability.md). The slow scenarios live in
 * test/chaos; the fast ones live in test/integration/chaos-fast-*.test.ts so that `npm test`
 * runs them too, and they are included here so this command runs every scenario. The fast
 * provider-outage variant is left out: test/chaos runs the same scenario with the full window.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts', 'test/integration/chaos-fast-*.test.ts'],
    exclude: ['test/integration/chaos-fast-provider-outage.test.ts', 'node_modules/**'],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // One file at a time: scenarios measure request rates and kill processes on two cores.
    fileParallelism: false,
  },
});
