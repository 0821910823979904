import type { RenderPriority } from '../../../src/render/render-priority.ts';
import { Redis } from 'ioredis';
import { enqueueRender, type EnqueuedRender, type EnqueueDeps } from '../../../src/producer/enqueue-render.ts';
import type { RenderPlan } from '../../../src/producer/plan.ts';
import type { RenderOptions } from '../../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../../src/providers/senseaudio/definition.ts';
import type { RetryPolicy } from '../../../src/queue/job-options.ts';
import { connectProducer, createRedisConnection } from '../../../src/queue/redis-connection.ts';
import { renderKeys } from '../../../src/render/render-keys.ts';
import { TERMINAL_STATUSES } from '../../../src/render/render-record.ts';
import { RenderStore, type RenderState } from '../../../src/render/render-store.ts';

export interface RenderDriver {
  readonly store: RenderStore;
  /** Enqueues a planned SenseAudio render, as the CLI would. */
  enqueue(request: {
    id: string;
    plan: RenderPlan;
    options: RenderOptions;
    output: string;
    title?: string;
    priority?: RenderPriority;
  }): Promise<EnqueuedRender>;
  /** Segment indexes counted done so far. */
  doneSegments(id: string): Promise<Set<number>>;
  /**
   * Resolves with the render's state once it has ended (completed, failed or cancelled), told by
   * the render-events channel and checked again on every (re)connection, so a message missed
   * while Redis was away cannot leave it waiting.
   */
  ended(id: string, timeoutMs: number): Promise<RenderState>;
  close(): Promise<void>;
}

/** A producer of the test's own, for renders worked by child-process workers. */
export async function openRenderDriver(
  redisUrl: string,
  prefix: string,
  retry: RetryPolicy,
  extra: Pick<EnqueueDeps, 'budgets'> = {},
): Promise<RenderDriver> {
  const connection = createRedisConnection(redisUrl, 'producer');
  connection.on('error', () => undefined);
  await connectProducer(connection, redisUrl);
  const store = new RenderStore(connection, prefix);
  const subscribers: Redis[] = [];

  return {
    store,
    enqueue: (request) =>
      enqueueRender(
        { connection, prefix, store, retry, ...extra },
        {
          id: request.id,
          title: request.title,
          plan: request.plan,
          provider: senseAudioDefinition,
          options: request.options,
          output: request.output,
          priority: request.priority,
        },
      ),
    async doneSegments(id) {
      const members = await connection.smembers(renderKeys(prefix, id).done);
      return new Set(members.map(Number));
    },
    ended(id, timeoutMs) {
      // Its own connection, with the patience of a worker's: it must survive a Redis restart.
      const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
      subscriber.on('error', () => undefined);
      subscribers.push(subscriber);
      const reader = new Redis(redisUrl, { maxRetriesPerRequest: null });
      reader.on('error', () => undefined);
      subscribers.push(reader);
      const readerStore = new RenderStore(reader, prefix);
      return new Promise<RenderState>((resolve, reject) => {
        let last: RenderState | null = null;
        let settled = false;
        const timer = setTimeout(() => {
          settled = true;
          reject(
            new Error(
              `render ${id} did not end within ${timeoutMs} ms; last seen: ${last ? `${last.status}, ${last.segmentsDone}/${last.spec.segmentCount} segments` : 'nothing'}`,
            ),
          );
        }, timeoutMs);
        const check = (): void => {
          readerStore.get(id).then(
            (state) => {
              last = state;
              if (settled || state === null || !TERMINAL_STATUSES.has(state.status)) return;
              settled = true;
              clearTimeout(timer);
              resolve(state);
            },
            () => undefined, // Redis away: the next 'ready' checks again
          );
        };
        subscriber.on('ready', check);
        subscriber.on('message', check);
        subscriber.subscribe(renderKeys(prefix, id).events).then(check, () => undefined);
      }).finally(() => {
        subscriber.disconnect();
        reader.disconnect();
      });
    },
    async close() {
      for (const subscriber of subscribers) subscriber.disconnect();
      await connection.quit().catch(() => undefined);
    },
  };
}
