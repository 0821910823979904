import type { Redis } from 'ioredis';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { createRedisConnection } from '../queue/redis-connection.ts';
import { parseRenderEvent } from '../queue/render-event.ts';
import { renderKeys } from '../render/render-keys.ts';
import type { RenderEvent } from '../render/render-store.ts';

type Listener = (event: RenderEvent) => void;

/**
 * One Redis subscriber for the whole API process (a subscribed connection can do nothing else),
 * fanning the render-events channel out to the event streams that follow each render.
 */
export class RenderEventHub {
  readonly #url: string;
  readonly #channel: string;
  readonly #logger: Logger;
  readonly #listeners = new Map<string, Set<Listener>>();
  #subscriber: Redis | undefined;
  #subscribed: Promise<void> | undefined;

  constructor(redisUrl: string, prefix: string, logger: Logger) {
    this.#url = redisUrl;
    this.#channel = renderKeys(prefix, '').events;
    this.#logger = logger;
  }

  /** Starts delivering a render's events to `listener`; returns the function that stops it. */
  async listen(id: string, listener: Listener): Promise<() => void> {
    await this.#subscribe();
    let listeners = this.#listeners.get(id);
    if (!listeners) this.#listeners.set(id, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#listeners.get(id) === listeners) this.#listeners.delete(id);
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    this.#subscribed = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  #subscribe(): Promise<void> {
    this.#subscribed ??= this.#connect().catch((error: unknown) => {
      // The next stream tries again (and is answered 503 meanwhile).
      this.#subscribed = undefined;
      throw error;
    });
    return this.#subscribed;
  }

  async #connect(): Promise<void> {
    if (!this.#subscriber) {
      // Fail fast like the other API connections; once subscribed, ioredis resubscribes after a reconnect.
      const subscriber = createRedisConnection(this.#url, 'producer');
      subscriber.on('error', (error: Error) => this.#logger.debug({ err: error.message }, 'render-events subscriber error'));
      subscriber.on('message', (_channel: string, message: string) => this.#dispatch(message));
      this.#subscriber = subscriber;
    }
    const subscriber = this.#subscriber;
    if (subscriber.status === 'wait' || subscriber.status === 'end') await subscriber.connect();
    await subscriber.subscribe(this.#channel);
  }

  #dispatch(message: string): void {
    const event = parseRenderEvent(message);
    if (!event) {
      this.#logger.warn('render-events: ignored a message that is not a render event');
      return;
    }
    for (const listener of this.#listeners.get(event.id) ?? []) listener(event);
  }
}
