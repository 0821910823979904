import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseSegmentJobId } from '../queue/queue-names.ts';

/** What a segment that failed its stitch parent was, and why it failed. */
export interface FailedChild {
  provider: string;
  index: number;
  reason: string;
}

/**
 * BullMQ fails a stitch parent whose child failed with "child <prefix>:<queue>:<job id> failed".
 * This finds that child and its own reason, so the render says which segment failed and why
 * instead of naming a Redis key. Undefined when the reason is anything else.
 */
export async function failedChildOf(connection: Redis, prefix: string, parentReason: string): Promise<FailedChild | undefined> {
  const match = /^child (.+) failed$/.exec(parentReason);
  const key = match?.[1];
  if (key === undefined || !key.startsWith(`${prefix}:synthesize-`)) return undefined;
  const [queueName, jobId] = splitOnce(key.slice(prefix.length + 1), ':');
  const segment = parseSegmentJobId(jobId);
  if (segment === undefined) return undefined;
  const queue = new Queue(queueName, { connection, prefix });
  try {
    const child = await Job.fromId(queue, jobId);
    return { provider: queueName.slice('synthesize-'.length), index: segment.index, reason: child?.failedReason || parentReason };
  } finally {
    await queue.close();
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}
