import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Job states reported per queue. `waiting-children` is a stitch parent waiting for its segments. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export interface QueueDepth {
  queue: string;
  counts: Record<QueueState, number>;
  /**
   * Since the longest-waiting head of the line was created: the first of the wait list, or the
   * prioritized job next to run (segment jobs carry fair-share priorities, src/queue/fair-priority.ts),
   * whichever is older (retries keep their creation time); 0 when none waits.
   */
  oldestWaitingSeconds: number;
}

/** Counts per state and the age of the oldest waiting job, for each queue (BullMQ's own getters). */
export async function readQueueDepths(
  redis: Redis,
  prefix: string,
  queueNames: readonly string[],
  now: number = Date.now(),
): Promise<QueueDepth[]> {
  return Promise.all(
    queueNames.map(async (name) => {
      const queue = new Queue(name, { connection: redis, prefix });
      try {
        const [raw, waiting, next] = await Promise.all([
          queue.getJobCounts(...QUEUE_STATES),
          queue.getJobs(['waiting'], 0, 0, true),
          queue.getPrioritized(0, 0),
        ]);
        const counts = Object.fromEntries(QUEUE_STATES.map((state) => [state, raw[state] ?? 0])) as Record<QueueState, number>;
        const heads = [waiting[0]?.timestamp, next[0]?.timestamp].filter((t): t is number => t !== undefined);
        const created = heads.length === 0 ? undefined : Math.min(...heads);
        return { queue: name, counts, oldestWaitingSeconds: created === undefined ? 0 : Math.max(0, (now - created) / 1000) };
      } finally {
        await queue.close();
      }
    }),
  );
}
