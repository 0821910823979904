import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { RedisMetricsRecorder } from '../../src/metrics/metrics-recorder.ts';
import type { Provider } from '../../src/providers/provider.ts';
import { STITCH_QUEUE, synthesizeQueueName } from '../../src/queue/queue-names.ts';
import { createRedisConnection } from '../../src/queue/redis-connection.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { RenderAborts } from '../../src/worker/render-aborts.ts';
import { renderEndAnnouncer } from '../../src/worker/render-ended.ts';
import { processStitch } from '../../src/worker/stitch-processor.ts';
import { StoragePool } from '../../src/runtime/storage-pool.ts';
import { SynthesizeQueues } from '../../src/worker/synthesize-queues.ts';
import { processSynthesize } from '../../src/worker/synthesize-processor.ts';

/** What a test may do at the stitch's seams: change what a storage does, or what adding a heal job does. */
export interface StitchSeams {
  /** Wraps each storage the workers open. */
  storage?: (storage: Storage) => Storage;
  /** Runs after a heal job was added, before the stitch waits for it. */
  afterHealAdded?: (jobId: string) => Promise<void>;
}

export interface StitchHarness {
  /** Waits until a synthesize job of this provider has finished (by event). */
  waitForSegmentJob(jobId: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * One synthesize worker and one stitch worker, wired like start-workers.ts but with the
 * storage and heal queue seams a test needs to place an event (a key deleted, a heal job
 * finished) exactly between two steps of a stitch. Use with startRenderEnv({ startWorkers: false }).
 */
export async function startStitchHarness(config: AppConfig, provider: Provider, seams: StitchSeams): Promise<StitchHarness> {
  const logger = pino({ level: 'silent' });
  const connections: Redis[] = [];
  const connect = (): Redis => {
    const connection = createRedisConnection(config.REDIS_URL, 'worker');
    connections.push(connection);
    return connection;
  };
  const shared = connect();
  const prefix = config.QUEUE_PREFIX;
  const store = new RenderStore(shared, prefix);
  const metrics = new RedisMetricsRecorder(shared, prefix);
  const renderEnded = renderEndAnnouncer({ connection: shared, prefix, metrics, logger });
  const storages = new (class extends StoragePool {
    readonly #wrapped = new Map<string, Storage>();
    override get(location: string): Storage {
      let storage = this.#wrapped.get(location);
      if (storage === undefined) {
        storage = seams.storage ? seams.storage(super.get(location)) : super.get(location);
        this.#wrapped.set(location, storage);
      }
      return storage;
    }
  })(config);
  const queueName = synthesizeQueueName(provider.name);
  const segmentEvents = new QueueEvents(queueName, { connection: connect(), prefix });
  await segmentEvents.waitUntilReady();
  const waitForSegmentJob = async (jobId: string, timeoutMs = 30_000): Promise<void> => {
    const queue = new Queue(queueName, { connection: shared, prefix });
    try {
      const job = await queue.getJob(jobId);
      if (!job) throw new Error(`no segment job ${jobId}`);
      await job.waitUntilFinished(segmentEvents, timeoutMs);
    } finally {
      await queue.close();
    }
  };
  const healQueues = new (class extends SynthesizeQueues {
    override get(name: string): Queue {
      const queue = super.get(name);
      const add = queue.add.bind(queue);
      const afterHealAdded = seams.afterHealAdded;
      if (afterHealAdded === undefined) return queue;
      return Object.assign(Object.create(queue) as Queue, {
        add: async (...args: Parameters<Queue['add']>) => {
          const job = await add(...args);
          if (job.id !== undefined) await afterHealAdded(job.id);
          return job;
        },
      });
    }
  })(shared, prefix);
  const synthesizeQueue = new Queue(queueName, { connection: shared, prefix });
  const synthesizeDeps = {
    provider,
    queue: synthesizeQueue,
    storages,
    store,
    logger,
    defaultRateLimitMs: config.RATE_LIMIT_WAIT_MS,
    metrics,
    aborts: new RenderAborts(),
    renderEnded,
    durationCeiling: { secondsPerChar: config.SEGMENT_MAX_SECONDS_PER_CHAR, extraSeconds: config.SEGMENT_EXTRA_SECONDS },
  };
  const stitchDeps = {
    storages,
    store,
    logger,
    metrics,
    renderEnded,
    heal: {
      queues: healQueues,
      maxHeals: config.STITCH_MAX_HEALS,
      retry: { attempts: config.RETRY_ATTEMPTS, backoffMs: config.RETRY_BACKOFF_MS },
    },
  };
  const workerOptions = { prefix, lockDuration: config.WORKER_LOCK_MS, stalledInterval: config.WORKER_STALLED_CHECK_MS };
  const workers = [
    new Worker(queueName, (job, token) => processSynthesize(job, token, synthesizeDeps), {
      ...workerOptions,
      connection: connect(),
      concurrency: 3,
    }),
    new Worker(STITCH_QUEUE, (job, token) => processStitch(job, stitchDeps, token), {
      ...workerOptions,
      connection: connect(),
      concurrency: 1,
    }),
  ];
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  return {
    waitForSegmentJob,
    async close() {
      await Promise.allSettled(workers.map((worker) => worker.close()));
      await segmentEvents.close();
      await healQueues.close();
      await synthesizeQueue.close();
      await Promise.allSettled(connections.map((connection) => connection.quit()));
    },
  };
}
