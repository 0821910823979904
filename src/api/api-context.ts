import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { AppConfig } from '../runtime/app-config.ts';
import type { ProviderDefinition } from '../providers/provider-definition.ts';
import { STITCH_QUEUE, synthesizeQueueName } from '../queue/queue-names.ts';
import { createRedisConnection } from '../queue/redis-connection.ts';
import { RenderStore } from '../render/render-store.ts';
import { WebhookAddressPolicy } from '../config/webhook-address-policy.ts';
import { WEBHOOK_QUEUE } from '../queue/webhook-queue.ts';
import { StoragePool } from '../runtime/storage-pool.ts';
import { createTokenVerifier, requireApiTokens, type TokenVerifier } from './auth.ts';
import { createOutputPolicy, type OutputPolicy } from './output-policy.ts';
import { RenderEventHub } from './render-event-hub.ts';
import { RenderFeeds } from './render-feed.ts';
import type { EventStream } from './sse-stream.ts';

/** What every route shares: one fail-fast Redis connection and what is built on it. */
export interface ApiContext {
  readonly config: AppConfig;
  readonly prefix: string;
  /** Producer-style: no offline queue, so a request fails at once (503) while Redis is down. */
  readonly redis: Redis;
  readonly store: RenderStore;
  readonly stitchQueue: Queue;
  /** Every queue of the deployment: one per provider, then stitch and webhooks. */
  readonly queues: readonly Queue[];
  readonly providers: ReadonlyMap<string, ProviderDefinition>;
  readonly outputs: OutputPolicy;
  /** Which webhook hosts a render may name (WEBHOOK_ALLOW_HOSTS); workers check again on delivery. */
  readonly webhookAddresses: WebhookAddressPolicy;
  readonly storages: StoragePool;
  readonly events: RenderEventHub;
  /** One shared state per followed render, fed by `events`: what event streams read. */
  readonly feeds: RenderFeeds;
  readonly verifyToken: TokenVerifier;
  /** Open event streams, ended when the server shuts down (they would hold it open forever). */
  readonly streams: Set<EventStream>;
  /** Settles when the first connection attempt has (succeeded or failed): requests before it would all be 503. */
  readonly firstConnect: Promise<void>;
  close(): Promise<void>;
}

/** Builds the context; checks the configuration first (tokens, output roots), touching nothing. */
export function createApiContext(config: AppConfig, providers: ReadonlyMap<string, ProviderDefinition>, logger: Logger): ApiContext {
  const verifyToken = createTokenVerifier(requireApiTokens(config));
  const outputs = createOutputPolicy(config);
  const prefix = config.QUEUE_PREFIX;
  const redis = createRedisConnection(config.REDIS_URL, 'producer');
  watchConnection(redis, logger);
  // The API starts (and /healthz answers) whether or not Redis is up; ioredis keeps reconnecting.
  const firstConnect = redis.connect().catch(() => undefined);
  const queueOf = (name: string): Queue => {
    // Read-only use (status, Bull Board): the API writes nothing to Redis until a render is created.
    const queue = new Queue(name, { connection: redis, prefix, skipMetasUpdate: true });
    queue.on('error', (error: Error) => logger.debug({ err: error.message, queue: name }, 'queue error'));
    return queue;
  };
  const stitchQueue = queueOf(STITCH_QUEUE);
  const queues = [...[...providers.keys()].map((name) => queueOf(synthesizeQueueName(name))), stitchQueue, queueOf(WEBHOOK_QUEUE)];
  const storages = new StoragePool(config);
  const events = new RenderEventHub(config.REDIS_URL, prefix, logger);
  const streams = new Set<EventStream>();
  const store = new RenderStore(redis, prefix, { retentionDays: config.RENDER_RETENTION_DAYS });
  const feeds = new RenderFeeds({
    redis,
    prefix,
    store,
    stitchQueue,
    events,
    // Redis blinked: the next message or heartbeat reads again.
    onReadError: (error) =>
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'event stream: could not read the render'),
  });
  return {
    config,
    prefix,
    redis,
    store,
    stitchQueue,
    queues,
    providers,
    outputs,
    webhookAddresses: new WebhookAddressPolicy(config.WEBHOOK_ALLOW_HOSTS),
    storages,
    events,
    feeds,
    verifyToken,
    streams,
    firstConnect,
    async close() {
      for (const stream of [...streams]) stream.end();
      feeds.close();
      await Promise.allSettled(queues.map((queue) => queue.close()));
      await events.close();
      await storages.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** One warning when Redis goes away and one line when it is back, not one per reconnect attempt. */
function watchConnection(redis: Redis, logger: Logger): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn({ err: error.message }, 'Redis unreachable; API requests answer 503 until it is back');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('Redis reachable again');
    down = false;
  });
}
