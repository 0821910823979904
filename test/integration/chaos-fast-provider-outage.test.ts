import { afterAll, describe, it } from 'vitest';
import { runProviderOutage } from '../chaos/scenarios/provider-outage.ts';

/**
 * The provider-outage chaos scenario (docs/reliability.md) with a 6-second window, so `npm test`
 * runs it; `npm run test:chaos` runs it with a 60-second window.
 */
describe('chaos (fast): the provider answers 503, then 429, to everything for 6 s', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('backs off without a tight loop, recovers, and completes identical to an undisturbed render', async () => {
    // Budget ≥ 250 × (2^7 − 1) × 0.5 ≈ 15.9 s, over twice the window.
    await runProviderOutage({ windowMs: 6000, retryAttempts: 8, retryBackoffMs: 250, label: 'provider outage (fast)' }, cleanup);
  }, 120_000);
});
