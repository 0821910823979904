import { defineConfig } from 'vitest/config';

/**
 * `npm run test:live`: the provider contract suite against the real services whose keys are set
 * (test/support/live-harnesses.ts); a provider without one is skipped with a line saying why.
 * Never part of `npm test`. It bills one short sentence per provider and prints what it billed.
 */
export default defineConfig({
  test: {
    include: ['test/contract/provider-contract.test.ts'],
    env: { TTSB_CONTRACT_TARGET: 'live' },
    // A 302.AI task may queue for minutes at the service.
    testTimeout: 600_000,
    hookTimeout: 60_000,
    // One provider at a time: the output reads in order, and nothing is billed twice at once.
    fileParallelism: false,
    reporters: ['verbose'],
  },
});
