import { DelayedError, type Job } from 'bullmq';

/**
 * Gives a job back to its queue, due now, without spending an attempt: its worker is shutting
 * down mid-call (the call was aborted, nothing was stored), and another worker should run it.
 * Thrown DelayedError tells BullMQ the job was moved, not failed.
 */
export async function handBackJob(job: Job, token: string | undefined): Promise<never> {
  await job.moveToDelayed(Date.now(), token);
  throw new DelayedError();
}
