import { UnrecoverableError } from 'bullmq';
import { AudioFormatError } from '../errors/audio-format-error.ts';
import { InputError } from '../errors/input-error.ts';
import { ProviderError } from '../errors/provider-error.ts';

export type FailureAction =
  | { action: 'fail'; reason: string }
  | { action: 'rate-limit'; waitMs: number; reason: string }
  | { action: 'retry'; reason: string };

/** Turns any error a job can hit into what BullMQ should do with the job. */
export function classifyFailure(error: unknown, defaultRateLimitMs: number): FailureAction {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof ProviderError) {
    if (error.kind === 'fatal') return { action: 'fail', reason };
    if (error.kind === 'rate-limited') return { action: 'rate-limit', waitMs: error.retryAfterMs ?? defaultRateLimitMs, reason };
    return { action: 'retry', reason };
  }
  if (error instanceof InputError || error instanceof AudioFormatError || error instanceof UnrecoverableError) {
    return { action: 'fail', reason };
  }
  return { action: 'retry', reason };
}
