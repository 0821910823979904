import { Queue } from 'bullmq';
import { setTimeout as delay } from 'node:timers/promises';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import type { ScheduleDeps } from '../producer/manage-schedules.ts';
import { SCHEDULE_QUEUE } from '../queue/schedule-queue.ts';
import type { ScheduleRun } from '../render/schedule-run.ts';
import { ScheduleStore } from '../render/schedule-store.ts';

const LOOK_EVERY_MS = 250;

/**
 * Follows a run until it has ended (its record says completed, skipped or failed). `jobId`, for a
 * run this command asked for: a job that failed before the run had a record ends the wait too.
 */
export async function waitForRun(deps: ScheduleDeps, name: string, runId: string, jobId?: string): Promise<ScheduleRun> {
  const store = new ScheduleStore(deps.connection, deps.prefix);
  const queue = new Queue(SCHEDULE_QUEUE, { connection: deps.connection, prefix: deps.prefix });
  try {
    for (;;) {
      const run = await store.getRun(name, runId);
      if (run !== null && run.status !== 'running') return run;
      if (run === null && jobId !== undefined) {
        const job = await queue.getJob(jobId);
        if (job === undefined || (await job.getState()) === 'failed') {
          const why = job?.failedReason ?? 'its job is gone';
          throw new TtsBatchError('RUN_FAILED', `run ${runId} of ${name} failed before it started: ${why}`, {
            value: runId,
            retryable: false,
          });
        }
      }
      await delay(LOOK_EVERY_MS);
    }
  } finally {
    await queue.close();
  }
}
