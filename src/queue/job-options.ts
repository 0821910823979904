import type { JobsOptions } from 'bullmq';

export interface RetryPolicy {
  /** Attempts per segment, first try included. Rate-limit waits do not count. */
  attempts: number;
  /** First backoff; it doubles each attempt, with jitter so retries do not arrive together. */
  backoffMs: number;
}

const DAY_S = 24 * 3600;
/**
 * How long a finished render's jobs stay: segment jobs as long as their stitch job, because a
 * stitch that heals a damaged segment reads the segment's text from its job (a render may run
 * for days: a big book, a provider outage).
 */
const FINISHED_JOB_AGE_S = 7 * DAY_S;

export function segmentJobOptions(jobId: string, retry: RetryPolicy): JobsOptions {
  return {
    jobId,
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs, jitter: 0.5 },
    // A segment that cannot be made fails the render instead of stitching a book with a hole.
    failParentOnFailure: true,
    // Kept while the stitch may still heal this segment (it reads the text from here).
    removeOnComplete: { age: FINISHED_JOB_AGE_S },
    removeOnFail: { age: 14 * DAY_S },
  };
}

export function stitchJobOptions(jobId: string, retry: RetryPolicy): JobsOptions {
  return {
    jobId,
    attempts: Math.max(3, Math.ceil(retry.attempts / 2)),
    backoff: { type: 'exponential', delay: retry.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: FINISHED_JOB_AGE_S },
    removeOnFail: { age: 14 * DAY_S },
  };
}
