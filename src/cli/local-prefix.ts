import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { HISTOGRAMS } from '../metrics/metric-definitions.ts';
import { metricKeys } from '../metrics/metric-keys.ts';
import { STITCH_QUEUE, synthesizeQueueName } from '../queue/queue-names.ts';
import { renderKeys } from '../render/render-keys.ts';
import { WEBHOOK_QUEUE } from '../webhooks/webhook-queue.ts';

/**
 * `render --local` works under a queue prefix of its own, derived from the configured one (so a
 * `{hash-tag}` in it still holds): its in-process workers can only ever see its own render, and
 * the deployment's workers never see it. The segment cache lives in storage, so it is shared.
 */
export function localQueuePrefix(base: string): string {
  return `${base}-local-${randomBytes(6).toString('hex')}`;
}

/**
 * Removes what a finished --local render left under its private prefix: its queues (BullMQ's
 * own obliterate) and the keys this project writes there. Best effort: the audio and manifest
 * are in storage, and nobody else reads this prefix.
 */
export async function discardLocalPrefix(redis: Redis, prefix: string, provider: string, renderId: string | undefined): Promise<void> {
  const limiters: string[] = [];
  for (const name of [synthesizeQueueName(provider), STITCH_QUEUE, WEBHOOK_QUEUE]) {
    const queue = new Queue(name, { connection: redis, prefix });
    try {
      await queue.obliterate({ force: true });
      // The rate limiter's counter expires by itself, but need not linger until then.
      if (queue.keys.limiter) limiters.push(queue.keys.limiter);
    } finally {
      await queue.close();
    }
  }
  const metrics = metricKeys(prefix);
  const keys = [...limiters, metrics.counters, ...Object.values(HISTOGRAMS).map((def) => metrics.histogram(def.name)), `${prefix}:worker-index`, `${prefix}:credentials-stall:${provider}`];
  if (renderId !== undefined) {
    const render = renderKeys(prefix, renderId);
    keys.push(render.record, render.done, render.cached, render.index);
  }
  await redis.del(...keys);
}
