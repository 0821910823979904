import { afterAll, describe, it } from 'vitest';
import { runProviderOutage } from './scenarios/provider-outage.ts';

/** The outage window, 60 s unless CHAOS_OUTAGE_MS says otherwise. */
const WINDOW_MS = Number(process.env.CHAOS_OUTAGE_MS ?? 60_000);

describe('chaos: the provider answers 503, then 429, to everything for a minute', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it(
    'backs off without a tight loop, recovers, and completes identical to an undisturbed render',
    async () => {
      // Budget ≥ 1000 × (2^8 − 1) × 0.5 = 127.5 s, over twice the window.
      await runProviderOutage({ windowMs: WINDOW_MS, retryAttempts: 9, retryBackoffMs: 1000, label: 'provider outage' }, cleanup);
    },
    WINDOW_MS + 360_000,
  );
});
