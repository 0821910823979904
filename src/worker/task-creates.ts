import { ProviderError } from '../errors/provider-error.ts';
import type { SynthesizeJobData } from '../queue/job-data.ts';

/**
 * Creates of one segment whose answer may be lost before the segment fails. A create that timed
 * out or was cut after the provider accepted it made a paid task whose id nobody knows, and 302.AI
 * documents no call that lists tasks to find it. The first such create is sent again once, after
 * the job's retry back-off (the outage that ate the answer may have passed); a second lost answer
 * fails the segment rather than buy a third task blind. At most one task per segment is paid for
 * and never fetched this way, two in the worst case (docs/providers/ai302.md, "Lost creates").
 */
export const MAX_LOST_CREATES = 2;

/**
 * Tasks of one segment that may be given up for a new one: the provider reported them failed (a
 * fault on its side, not the input), or their finished result was unusable (task-download-failure.ts).
 * Nothing else replaces a task. So a segment buys at most 1 + MAX_REPLACED_TASKS tasks that were
 * answered, whatever RETRY_ATTEMPTS says.
 */
export const MAX_REPLACED_TASKS = 2;

/**
 * The job data to write just before a create is sent. A `createStartedAt` still set from before
 * means the last create's process died before it learned the outcome: that create counts as lost.
 * Throws (fatal) when the segment may not create another task.
 */
export function beforeCreate(data: SynthesizeJobData, provider: string, now: number): SynthesizeJobData {
  const lostCreates = (data.lostCreates ?? 0) + (data.createStartedAt === undefined ? 0 : 1);
  assertMayCreate({ ...data, lostCreates }, provider);
  return { ...data, createStartedAt: now, ...(lostCreates === 0 ? {} : { lostCreates }) };
}

/** The job data after a create failed: a lost answer is counted, a definite refusal is not. */
export function afterFailedCreate(data: SynthesizeJobData, error: unknown): SynthesizeJobData {
  const { createStartedAt: _started, ...rest } = data;
  if (!(error instanceof ProviderError && error.outcomeUnknown)) return rest;
  return { ...rest, lostCreates: (data.lostCreates ?? 0) + 1 };
}

/** The job data once a task replaces a failed one (the next attempt creates it). */
export function afterReplacedTask(data: SynthesizeJobData): SynthesizeJobData {
  return { ...data, task: undefined, replacedTasks: (data.replacedTasks ?? 0) + 1 };
}

/** Why the bounds above forbid another create for this segment, or undefined when they allow one. */
export function createBound(data: SynthesizeJobData): { code: string; reason: string } | undefined {
  const lost = data.lostCreates ?? 0;
  if (lost >= MAX_LOST_CREATES) {
    return {
      code: 'CREATES_LOST',
      reason:
        `${lost} creates of this segment lost their answer (a timeout or a cut connection after sending); each may have made a ` +
        'paid task that cannot be found, so no further task is created for it',
    };
  }
  const replaced = data.replacedTasks ?? 0;
  if (replaced > MAX_REPLACED_TASKS) {
    return {
      code: 'TASKS_EXHAUSTED',
      reason: `${replaced} tasks of this segment failed or gave unusable audio; no further task is bought for it`,
    };
  }
  return undefined;
}

/** Throws a fatal ProviderError when the bounds above forbid another create for this segment. */
export function assertMayCreate(data: SynthesizeJobData, provider: string): void {
  const bound = createBound(data);
  if (bound) throw new ProviderError(bound.reason, { provider, kind: 'fatal', providerCode: bound.code });
}
