import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.ts';
import type { Provider } from '../providers/provider.ts';
import { PROVIDERS } from '../providers/registry.ts';
import { STITCH_QUEUE, synthesizeQueueName } from '../queue/queue-names.ts';
import { createRedisConnection } from '../queue/redis-connection.ts';
import { RenderStore } from '../render/render-store.ts';
import { warnOnUnsafeRedis } from './redis-policy-check.ts';
import { StoragePool } from './storage-pool.ts';
import { processStitch } from './stitch-processor.ts';
import { processSynthesize } from './synthesize-processor.ts';

export interface StartWorkersOptions {
  config: AppConfig;
  logger: Logger;
  /** Providers to serve; default: every provider whose credentials are set. */
  providers?: readonly string[];
  /** Test seam: clients to use instead of building them from config. */
  providerOverrides?: ReadonlyMap<string, Provider>;
}

export interface WorkerRuntime {
  providers: readonly string[];
  /** Waits for active jobs up to `timeoutMs`, then abandons them (another worker picks them up). */
  close(timeoutMs?: number): Promise<void>;
}

export async function startWorkers(options: StartWorkersOptions): Promise<WorkerRuntime> {
  const { config, logger } = options;
  const names = options.providers ?? [...PROVIDERS.values()].filter((d) => d.credentialsSet(config)).map((d) => d.name);
  const connections: Redis[] = [];
  const connect = (): Redis => {
    const connection = createRedisConnection(config.REDIS_URL, 'worker');
    connection.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
    connections.push(connection);
    return connection;
  };
  const shared = connect();
  await warnOnUnsafeRedis(shared, logger);
  const store = new RenderStore(shared, config.QUEUE_PREFIX);
  const storages = new StoragePool(config);
  const workerOptions = {
    prefix: config.QUEUE_PREFIX,
    lockDuration: config.WORKER_LOCK_MS,
    stalledInterval: config.WORKER_STALLED_CHECK_MS,
    maxStalledCount: 3,
  };

  const workers: Worker[] = [];
  const queues: Queue[] = [];
  const providers: Provider[] = [];
  for (const name of names) {
    const definition = PROVIDERS.get(name);
    if (!definition) throw new Error(`unknown provider "${name}"`);
    const provider = options.providerOverrides?.get(name) ?? definition.create(config);
    providers.push(provider);
    const queueName = synthesizeQueueName(name);
    const queue = new Queue(queueName, { connection: shared, prefix: config.QUEUE_PREFIX });
    queues.push(queue);
    const deps = { provider, queue, storages, store, logger: logger.child({ queue: queueName }), defaultRateLimitMs: config.RATE_LIMIT_WAIT_MS };
    workers.push(
      new Worker(queueName, (job, token) => processSynthesize(job, token, deps), { ...workerOptions, connection: connect(), concurrency: config.WORKER_CONCURRENCY }),
    );
  }
  const stitchDeps = { storages, store, logger: logger.child({ queue: STITCH_QUEUE }) };
  workers.push(
    new Worker(STITCH_QUEUE, (job) => processStitch(job, stitchDeps), { ...workerOptions, connection: connect(), concurrency: config.STITCH_CONCURRENCY }),
  );
  for (const worker of workers) {
    worker.on('error', (error) => logger.warn({ err: error.message, queue: worker.name }, 'worker error'));
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  logger.info({ providers: names, concurrency: config.WORKER_CONCURRENCY }, 'workers started');

  let closing: Promise<void> | undefined;
  return {
    providers: names,
    close(timeoutMs = 30_000) {
      closing ??= (async () => {
        const graceful = Promise.all(workers.map((w) => w.close()));
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        });
        const outcome = await Promise.race([graceful.then(() => 'closed' as const), timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          logger.warn({ timeoutMs }, 'active jobs did not finish in time; abandoning them to other workers');
          await Promise.all(workers.map((w) => w.close(true)));
        }
        await Promise.all(queues.map((q) => q.close()));
        await Promise.allSettled(providers.map((p) => p.close()));
        await storages.close();
        await Promise.allSettled(connections.map((c) => c.quit()));
      })();
      return closing;
    },
  };
}
