import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/chaos/**', 'node_modules/**'],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: integration tests spawn workers and servers of their own.
    maxWorkers: 2,
    // s3rver signs ListObjectsV2 continuation tokens with DES, which Node 24's OpenSSL 3 only
    // has in its legacy provider: without it every truncated listing answers 500.
    execArgv: ['--openssl-legacy-provider'],
  },
});
