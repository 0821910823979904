import type { BackoffStrategy } from 'bullmq';
import { WEBHOOK_BACKOFF_TYPE } from '../queue/webhook-queue.ts';
import { WebhookDeliveryError } from './webhook-delivery-error.ts';

/** A receiver asking for more than this is retried after this. */
const MAX_DELAY_MS = 3_600_000;

/**
 * Delays between webhook attempts: `baseMs` doubling per attempt, with ±20 % jitter so a
 * receiver coming back up is not hit by every event at once; a longer Retry-After wins.
 */
export function webhookBackoff(baseMs: number, random: () => number = Math.random): BackoffStrategy {
  return (attemptsMade, type, error) => {
    if (type !== WEBHOOK_BACKOFF_TYPE) return 0;
    const exponential = baseMs * 2 ** Math.max(0, attemptsMade - 1);
    const jittered = exponential * (0.8 + 0.4 * random());
    const asked = error instanceof WebhookDeliveryError ? (error.retryAfterMs ?? 0) : 0;
    return Math.round(Math.min(MAX_DELAY_MS, Math.max(jittered, asked)));
  };
}
