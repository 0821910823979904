import type { JobsOptions } from 'bullmq';

export interface RetryPolicy {
  /** Attempts per segment, first try included. Rate-limit waits do not count. */
  attempts: number;
  /** First backoff; it doubles each attempt, with jitter so retries do not arrive together. */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 8, backoffMs: 2000 };

const DAY_S = 24 * 3600;

export function segmentJobOptions(jobId: string, retry: RetryPolicy): JobsOptions {
  return {
    jobId,
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs, jitter: 0.5 },
    // A segment that cannot be made fails the render instead of stitching a book with a hole.
    failParentOnFailure: true,
    // The parent keeps each child's return value, so finished children need not stay.
    removeOnComplete: { age: DAY_S },
    removeOnFail: { age: 14 * DAY_S },
  };
}

export function stitchJobOptions(jobId: string, retry: RetryPolicy): JobsOptions {
  return {
    jobId,
    attempts: Math.max(3, Math.ceil(retry.attempts / 2)),
    backoff: { type: 'exponential', delay: retry.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 7 * DAY_S },
    removeOnFail: { age: 14 * DAY_S },
  };
}
