import type { Logger } from 'pino';
import { createRedisConnection } from '../queue/redis-connection.ts';
import { parseRenderEvent } from '../queue/render-event.ts';
import { renderKeys } from '../render/render-keys.ts';

export interface RenderEndListener {
  close(): Promise<void>;
}

/**
 * Subscribes (on a connection of its own: a subscribed connection can do nothing else) to the
 * render events channel and calls `onEnded` when a render is cancelled or fails, so this
 * process can abort that render's provider calls. Pub/sub is fire-and-forget: a message lost
 * during a reconnect only means an in-flight segment finishes; the next one is still refused by
 * the processor's own `hasEnded` check.
 */
export async function listenForRenderEnds(options: {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  onEnded: (renderId: string, status: 'cancelled' | 'failed') => void;
}): Promise<RenderEndListener> {
  const channel = renderKeys(options.prefix, '').events;
  const subscriber = createRedisConnection(options.redisUrl, 'worker');
  subscriber.on('error', (error: Error) => options.logger.warn({ err: error.message }, 'render events subscriber error'));
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const event = parseRenderEvent(message);
    if (event && (event.status === 'cancelled' || event.status === 'failed')) options.onEnded(event.id, event.status);
  });
  await subscriber.subscribe(channel);
  return {
    async close() {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
