import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { WorkerOptions } from 'bullmq';
import type { AppConfig } from '../runtime/app-config.ts';
import { SCHEDULE_QUEUE } from '../queue/schedule-queue.ts';
import type { RenderStore } from '../render/render-store.ts';
import { ScheduleStore } from '../render/schedule-store.ts';
import type { StoragePool } from '../runtime/storage-pool.ts';
import { openStorage } from '../storage/open-storage.ts';
import { FetchObservedWorker } from './fetch-observed-worker.ts';
import { processScheduleRun, type ScheduledBookRenderer } from './schedule-run-processor.ts';

/**
 * Runs at once per worker process: a run is busy only while it lists, hashes and enqueues its
 * library; the rest of its life it waits in the delayed set, holding no slot.
 */
const SCHEDULE_RUN_CONCURRENCY = 2;

/** The worker of the schedule-runs queue (every `tts-batch worker` process has one). */
export function scheduleRunWorker(options: {
  config: AppConfig;
  shared: Redis;
  connection: Redis;
  store: RenderStore;
  storages: StoragePool;
  renderBook: ScheduledBookRenderer;
  logger: Logger;
  workerOptions: Omit<WorkerOptions, 'connection'>;
}): FetchObservedWorker {
  const { config } = options;
  const deps = {
    connection: options.shared,
    prefix: config.QUEUE_PREFIX,
    store: options.store,
    schedules: new ScheduleStore(options.shared, config.QUEUE_PREFIX),
    storages: options.storages,
    openSource: (location: string) => openStorage(location, config),
    renderBook: options.renderBook,
    retry: { attempts: config.RETRY_ATTEMPTS, backoffMs: config.RETRY_BACKOFF_MS },
    enqueueTimeoutMs: config.ENQUEUE_RECONCILE_MS,
    logger: options.logger.child({ queue: SCHEDULE_QUEUE }),
  };
  return new FetchObservedWorker(SCHEDULE_QUEUE, (job, token) => processScheduleRun(job, token, deps), {
    ...options.workerOptions,
    connection: options.connection,
    concurrency: SCHEDULE_RUN_CONCURRENCY,
  });
}
