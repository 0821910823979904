import type { Queue } from 'bullmq';

/** The lowest priority waiting on a provider's queue (where fair priorities start from); 0 when none waits. */
export async function queueFrontier(queue: Queue): Promise<number> {
  const [lowest] = await queue.getPrioritized(0, 0);
  return lowest?.priority ?? 0;
}
