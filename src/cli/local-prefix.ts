import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { STITCH_QUEUE, synthesizeQueueName } from '../queue/queue-names.ts';
import { WEBHOOK_QUEUE } from '../queue/webhook-queue.ts';

/**
 * `render --local` works under a queue prefix of its own, derived from the configured one (so a
 * `{hash-tag}` in it still holds): its in-process workers can only ever see its own render, and
 * the deployment's workers never see it. The segment cache lives in storage, so it is shared.
 */
export function localQueuePrefix(base: string): string {
  return `${base}-local-${randomBytes(6).toString('hex')}`;
}

/** Escapes Redis glob characters, so a prefix is matched as written. */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Removes what a finished --local render left under its private prefix: its queues (BullMQ's
 * own obliterate), then every other key under the prefix. The prefix is random and private to
 * this process, so matching it removes nothing anybody else wrote, and nothing written later
 * by a new project feature (outline, enqueue ledger, metrics, heartbeats) is left behind.
 * Best effort: the audio and manifest are in storage, and nobody else reads this prefix.
 */
export async function discardLocalPrefix(redis: Redis, prefix: string, provider: string): Promise<void> {
  for (const name of [synthesizeQueueName(provider), STITCH_QUEUE, WEBHOOK_QUEUE]) {
    const queue = new Queue(name, { connection: redis, prefix });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }
  const stream = redis.scanStream({ match: `${globLiteral(prefix)}:*`, count: 500 });
  for await (const keys of stream as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.unlink(...keys);
  }
}
