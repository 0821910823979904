import { UnrecoverableError } from 'bullmq';
import { ProviderError } from '../errors/provider-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';

export type FailureAction =
  { action: 'fail'; reason: string } | { action: 'rate-limit'; waitMs: number; reason: string } | { action: 'retry'; reason: string };

/**
 * Turns any error a job can hit into what BullMQ should do with the job. Each error class says
 * once whether a retry can help (`retryable`, e.g. a storage 403 or a missing bucket: no); only a
 * provider's rate limit gets its own treatment. An error from outside the project (a Redis hiccup,
 * a bug's TypeError) is retried, as it always was.
 */
export function classifyFailure(error: unknown, defaultRateLimitMs: number): FailureAction {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof ProviderError && error.kind === 'rate-limited') {
    return { action: 'rate-limit', waitMs: error.retryAfterMs ?? defaultRateLimitMs, reason };
  }
  if (error instanceof TtsBatchError) return error.retryable ? { action: 'retry', reason } : { action: 'fail', reason };
  if (error instanceof UnrecoverableError) return { action: 'fail', reason };
  return { action: 'retry', reason };
}
