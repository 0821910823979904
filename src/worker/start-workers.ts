import { jobLookahead, ProviderSlots } from './provider-slots.ts';
import { applyFleetLimits, checkProviderSettings } from './fleet-limits.ts';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '../runtime/app-config.ts';
import { RedisMetricsRecorder } from '../metrics/metrics-recorder.ts';
import type { Provider } from '../providers/provider.ts';
import { PROVIDERS } from '../providers/registry.ts';
import { STITCH_QUEUE, synthesizeQueueName } from '../queue/queue-names.ts';
import { createRedisConnection } from '../queue/redis-connection.ts';
import { startEnqueueReconciler } from '../producer/enqueue-reconciler.ts';
import { RenderStore } from '../render/render-store.ts';
import { WebhookAddressPolicy } from '../config/webhook-address-policy.ts';
import { webhookBackoff } from '../webhooks/webhook-backoff.ts';
import { createWebhookDispatcher } from '../webhooks/webhook-dispatcher.ts';
import { processWebhook } from '../webhooks/webhook-processor.ts';
import { WEBHOOK_QUEUE } from '../queue/webhook-queue.ts';
import { FetchObservedWorker } from './fetch-observed-worker.ts';
import { listenForFailedJobs } from './failed-job-listener.ts';
import { warnOnUnsafeRedis } from './redis-policy-check.ts';
import { RenderAborts, WorkerShutdownError } from './render-aborts.ts';
import { listenForRenderEnds } from './render-end-listener.ts';
import { renderEndAnnouncer } from './render-ended.ts';
import { StoragePool } from '../runtime/storage-pool.ts';
import { SynthesizeQueues } from './synthesize-queues.ts';
import { processStitch } from './stitch-processor.ts';
import { CredentialGuard } from './credential-guard.ts';
import { TaskRouteGate } from './task-route-gate.ts';
import { startStallWatchdog } from './stall-watchdog.ts';
import { processSynthesize, type SynthesizeDeps } from './synthesize-processor.ts';
import { takeVerification } from './take-verification.ts';
import type { ScheduledBookRenderer } from './schedule-run-processor.ts';
import { scheduleRunWorker } from './schedule-run-worker.ts';
import { ScheduleStore } from '../render/schedule-store.ts';
import { startWorkerHeartbeat, type WorkerHeartbeat } from '../runtime/worker-heartbeat.ts';

export interface StartWorkersOptions {
  config: AppConfig;
  logger: Logger;
  /** Providers to serve; default: every provider whose credentials are set. */
  providers?: readonly string[];
  /** Test seam: clients to use instead of building them from config. */
  providerOverrides?: ReadonlyMap<string, Provider>;
  /** Reports refused credentials instead of the one error log (render --local fails its render with it). */
  onCredentialsRefused?: (provider: string, reason: string) => void;
  /** Runs schedules (`tts-batch worker`): how a run renders one book, as the render command does. */
  renderScheduledBook?: ScheduledBookRenderer;
}

export interface WorkerRuntime {
  providers: readonly string[];
  /** Waits for active jobs up to `timeoutMs`, then abandons them (another worker picks them up). */
  close(timeoutMs?: number): Promise<void>;
}

export async function startWorkers(options: StartWorkersOptions): Promise<WorkerRuntime> {
  const { config, logger } = options;
  checkProviderSettings(config, [...PROVIDERS.keys()]);
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
  const store = new RenderStore(shared, config.QUEUE_PREFIX, { retentionDays: config.RENDER_RETENTION_DAYS });
  const verification = takeVerification(config, shared);
  const storages = new StoragePool(config, { sweepTempFiles: { olderThanMs: config.WORKER_LOCK_MS, logger } });
  const metrics = new RedisMetricsRecorder(shared, config.QUEUE_PREFIX, logger);
  const renderEnded = renderEndAnnouncer({ connection: shared, prefix: config.QUEUE_PREFIX, metrics, logger });
  // A cancel (or a render failing on another worker) aborts this process's calls for that render.
  const aborts = new RenderAborts();
  const renderEnds = await listenForRenderEnds({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    logger,
    onEnded: (renderId, status) => {
      const aborted = aborts.abort(renderId, status);
      if (aborted > 0) logger.info({ renderId, status, aborted }, 'render ended; aborting its provider calls');
    },
  });
  const workerOptions = {
    prefix: config.QUEUE_PREFIX,
    lockDuration: config.WORKER_LOCK_MS,
    stalledInterval: config.WORKER_STALLED_CHECK_MS,
    maxStalledCount: 3,
  };

  const workers: FetchObservedWorker[] = [];
  const queues: Queue[] = [];
  const providers: Provider[] = [];
  const guards = new Map<string, CredentialGuard>();
  const fleets: Record<string, Awaited<ReturnType<typeof applyFleetLimits>>> = {};
  // Set once the heartbeat runs; a guard's change before that is in its first beat anyway.
  const beating: { heartbeat?: WorkerHeartbeat } = {};
  for (const name of names) {
    const definition = PROVIDERS.get(name);
    if (!definition) throw new Error(`unknown provider "${name}"`);
    const provider = options.providerOverrides?.get(name) ?? definition.create(config);
    providers.push(provider);
    const queueName = synthesizeQueueName(name);
    const queue = new Queue(queueName, { connection: shared, prefix: config.QUEUE_PREFIX });
    queue.on('error', (error: Error) => logger.warn({ err: error.message, queue: queueName }, 'queue error'));
    queues.push(queue);
    const fleet = await applyFleetLimits(queue, name, config);
    fleets[name] = fleet;
    // WORKER_CONCURRENCY provider calls at most; a few more jobs held, so the next call is ready
    // while a finished one is made durable (provider-slots.ts).
    const slots = new ProviderSlots(config.WORKER_CONCURRENCY);
    const jobConcurrency = config.WORKER_CONCURRENCY + jobLookahead(config.WORKER_CONCURRENCY);
    const deps: SynthesizeDeps = {
      provider,
      queue,
      storages,
      store,
      logger: logger.child({ queue: queueName }),
      defaultRateLimitMs: config.RATE_LIMIT_WAIT_MS,
      metrics,
      aborts,
      renderEnded,
      durationCeiling: { secondsPerChar: config.SEGMENT_MAX_SECONDS_PER_CHAR, extraSeconds: config.SEGMENT_EXTRA_SECONDS },
      ...(provider.kind === 'task' ? { taskRoutes: new TaskRouteGate() } : {}),
      verification,
      slots,
    };
    const worker = new FetchObservedWorker(queueName, (job, token) => processSynthesize(job, token, deps), {
      ...workerOptions,
      connection: connect(),
      concurrency: jobConcurrency,
      // A queue-wide limiter (PROVIDER_RATE_LIMIT, else RATE_LIMIT_MAX jobs per
      // RATE_LIMIT_DURATION_MS, across every worker process) is also what makes BullMQ honour
      // queue.rateLimit() in all processes: without one, a 429 would pause only the process that received it.
      limiter: fleet.limiter,
    });
    workers.push(worker);
    deps.credentials = new CredentialGuard({
      provider: name,
      worker,
      concurrency: jobConcurrency,
      firstRecheckMs: config.CREDENTIAL_RECHECK_MS,
      maxRecheckMs: config.CREDENTIAL_RECHECK_MAX_MS,
      logger: deps.logger,
      onChange: () => beating.heartbeat?.refresh(),
      ...(options.onCredentialsRefused ? { onRefused: options.onCredentialsRefused } : {}),
    });
    guards.set(name, deps.credentials);
  }
  const healQueues = new SynthesizeQueues(shared, config.QUEUE_PREFIX);
  // Set synchronously by close(), so a stitch whose ffmpeg the same signal stopped sees it.
  let shuttingDown = false;
  const stitchDeps = {
    storages,
    store,
    logger: logger.child({ queue: STITCH_QUEUE }),
    metrics,
    renderEnded,
    aborts,
    shuttingDown: () => shuttingDown,
    maxInlineSentences: config.MANIFEST_MAX_SENTENCES,
    heal: {
      queues: healQueues,
      maxHeals: config.STITCH_MAX_HEALS,
      retry: { attempts: config.RETRY_ATTEMPTS, backoffMs: config.RETRY_BACKOFF_MS },
    },
  };
  workers.push(
    new FetchObservedWorker(STITCH_QUEUE, (job, token) => processStitch(job, stitchDeps, token), {
      ...workerOptions,
      connection: connect(),
      concurrency: config.STITCH_CONCURRENCY,
    }),
  );
  // Webhooks wait on strangers' servers: their own queue, sockets and timeouts; every
  // connection is checked against WEBHOOK_ALLOW_HOSTS and the refused ranges (SSRF).
  const webhookDispatcher = createWebhookDispatcher(new WebhookAddressPolicy(config.WEBHOOK_ALLOW_HOSTS), config.WEBHOOK_TIMEOUT_MS);
  const webhookDeps = {
    store,
    schedules: new ScheduleStore(shared, config.QUEUE_PREFIX),
    dispatcher: webhookDispatcher,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    logger: logger.child({ queue: WEBHOOK_QUEUE }),
  };
  workers.push(
    new FetchObservedWorker(WEBHOOK_QUEUE, (job) => processWebhook(job, webhookDeps), {
      ...workerOptions,
      connection: connect(),
      concurrency: config.WEBHOOK_CONCURRENCY,
      settings: { backoffStrategy: webhookBackoff(config.WEBHOOK_BACKOFF_MS) },
    }),
  );
  if (options.renderScheduledBook)
    workers.push(
      scheduleRunWorker({
        config,
        shared,
        connection: connect(),
        store,
        storages,
        renderBook: options.renderScheduledBook,
        logger,
        workerOptions,
      }),
    );
  for (const worker of workers) {
    worker.on('error', (error) => logger.warn({ err: error.message, queue: worker.name }, 'worker error'));
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  const failedJobs = await listenForFailedJobs({
    redisUrl: config.REDIS_URL,
    connection: shared,
    prefix: config.QUEUE_PREFIX,
    queues: [...names.map((name) => ({ name: synthesizeQueueName(name), provider: name })), { name: STITCH_QUEUE }],
    store,
    metrics,
    renderEnded,
    logger,
  });
  const reconciler = startEnqueueReconciler({
    connection: shared,
    prefix: config.QUEUE_PREFIX,
    windowMs: config.ENQUEUE_RECONCILE_MS,
    retentionDays: config.RENDER_RETENTION_DAYS,
    logger,
  });
  const heartbeat = await startWorkerHeartbeat({
    redis: shared,
    prefix: config.QUEUE_PREFIX,
    providers: names,
    intervalMs: config.HEARTBEAT_INTERVAL_MS,
    logger,
    lastFetchAt: () => Math.max(0, ...workers.map((worker) => worker.lastFetchAt)),
    misconfigured: () =>
      Object.fromEntries([...guards].flatMap(([name, guard]) => (guard.misconfigured ? [[name, guard.misconfigured]] : []))),
  });
  beating.heartbeat = heartbeat;
  const watchdog = startStallWatchdog({
    redis: shared,
    prefix: config.QUEUE_PREFIX,
    store,
    stallMs: config.RENDER_STALL_MS,
    logger,
    renderEnded,
  });
  logger.info({ providers: names, concurrency: config.WORKER_CONCURRENCY, fleet: fleets }, 'workers started');

  let closing: Promise<void> | undefined;
  return {
    providers: names,
    close(timeoutMs = 30_000) {
      shuttingDown = true;
      closing ??= (async () => {
        // First, so readiness checks stop counting this process while it drains.
        for (const guard of guards.values()) guard.close();
        await watchdog.close();
        await heartbeat
          .close()
          .catch((error: unknown) =>
            logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not remove the worker heartbeat'),
          );
        const graceful = Promise.all(workers.map((w) => w.close()));
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        });
        const outcome = await Promise.race([graceful.then(() => 'closed' as const), timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          // A forced BullMQ close after a graceful one still waits for the running jobs, so
          // their provider calls are aborted: the jobs end at once and go back to the queue.
          const aborted = aborts.abortAll(new WorkerShutdownError(timeoutMs));
          logger.warn(
            { timeoutMs, aborted },
            'active jobs did not finish in time; aborting their provider calls and handing them to other workers',
          );
          await Promise.all(workers.map((w) => w.close(true)));
        }
        await Promise.all(queues.map((q) => q.close()));
        await healQueues.close();
        await renderEnds.close();
        await failedJobs.close();
        await reconciler.close();
        await webhookDispatcher.close();
        await Promise.allSettled(providers.map((p) => p.close()));
        await storages.close();
        await Promise.allSettled(connections.map((c) => c.quit()));
      })();
      return closing;
    },
  };
}
