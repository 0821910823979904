import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** States in which a job is still to run or running. */
const UNSETTLED = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Polls until no job of `queueNames` is left to run (or `deadlineMs` passes: then throws, naming what is left). */
export async function waitForQueuesSettled(
  redis: Redis,
  prefix: string,
  queueNames: readonly string[],
  deadlineMs = 30_000,
): Promise<void> {
  const queues = queueNames.map((name) => new Queue(name, { connection: redis, prefix }));
  const deadline = Date.now() + deadlineMs;
  try {
    for (;;) {
      const counts = await Promise.all(
        queues.map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts(...UNSETTLED) })),
      );
      const left = counts.filter((entry) => Object.values(entry.counts).some((count) => count > 0));
      if (left.length === 0) return;
      if (Date.now() > deadline) throw new Error(`jobs still unsettled after ${deadlineMs} ms: ${JSON.stringify(left)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
}
