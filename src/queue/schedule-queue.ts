import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

/**
 * Schedule runs have their own queue: a run spends most of its life waiting for its renders
 * (moved to delayed between looks), never in a synthesize or stitch slot. Each schedule is a
 * BullMQ job scheduler on it, its id the schedule's name.
 */
export const SCHEDULE_QUEUE = 'schedule-runs';

/** Jobs outlive deploys: their data is unknown until parsed here, when a run job starts. */
export const scheduleRunJobDataSchema = z.object({
  schedule: z.string().min(1),
  trigger: z.enum(['cron', 'manual']),
  /** `schedule run NAME`: when it was asked (epoch ms); a scheduler's job has its time in its id. */
  requestedAt: z.number().int().optional(),
});
export type ScheduleRunJobData = z.infer<typeof scheduleRunJobDataSchema>;

const DAY_S = 24 * 3600;

/** What every run job gets, from a scheduler's template or from `schedule run`. */
export const RUN_JOB_OPTIONS = {
  // A run that fails (the source could not be listed) is tried again; its renders are not
  // enqueued twice, their ids being fixed per run and book.
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * DAY_S, count: 1_000 },
  removeOnFail: { age: 14 * DAY_S },
} satisfies JobsOptions;

/** `schedule run NAME` at `at` (epoch ms): asked twice in the same millisecond, it is one job. */
export function manualRunJobId(schedule: string, at: number): string {
  return `manual-${schedule}-${at}`;
}

/**
 * When the run was due: a job scheduler names each iteration's job `repeat:<scheduler>:<ms>`
 * (BullMQ's getSchedulerNextJobId); a manual run carries the time it was asked.
 */
export function scheduledAtOf(jobId: string | undefined, data: ScheduleRunJobData, fallback: number): number {
  const fromId = /^repeat:.+:(\d+)$/.exec(jobId ?? '')?.[1];
  return fromId !== undefined ? Number(fromId) : (data.requestedAt ?? fallback);
}

/**
 * A run's id: the schedule and the time it was due, so every iteration of a scheduler (one job
 * each) is one run, and a retried job goes on with the same run.
 */
export function runIdOf(schedule: string, trigger: ScheduleRunJobData['trigger'], scheduledAt: number): string {
  const stamp = new Date(scheduledAt).toISOString().replace(/[-:]/g, '');
  return `${schedule}-${stamp}${trigger === 'manual' ? '-now' : ''}`;
}

/** The webhook event a run sends when it ends (job name on the webhooks queue). */
export const SCHEDULE_COMPLETED = 'schedule.completed';

/** References only, like a render's event: the body is built from the run's record, and signed, when sent. */
export const scheduleWebhookJobDataSchema = z.object({ schedule: z.string().min(1), runId: z.string().min(1) });
export type ScheduleWebhookJobData = z.infer<typeof scheduleWebhookJobDataSchema>;

/** One delivery per run: a retried run enqueues nothing new. */
export function scheduleWebhookJobId(runId: string): string {
  return `schedule-completed-${runId}`;
}
