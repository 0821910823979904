import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { planRender, type RenderPlan } from '../../src/producer/plan.ts';
import { resolveRenderOptions, type RawRenderOptions, type RenderOptions } from '../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import type { RetryPolicy } from '../../src/queue/job-options.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { renderKeys } from '../../src/render/render-keys.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import {
  startSenseAudioSimulator,
  type SenseAudioSimulator,
  type SenseAudioSimulatorOptions,
} from '../../test/simulators/senseaudio/server.ts';
import { spawnWorker, type WorkerProcess } from '../../test/support/worker-process.ts';
import { owe } from './cleanup.ts';
import { benchPrefix, deletePrefix } from './redis-prefix.ts';
import { stopChild } from './stop-child.ts';

export interface RenderBenchEnvOptions {
  redisUrl: string;
  /** Names the Redis prefix and the temp folder. */
  label: string;
  simulator: SenseAudioSimulatorOptions;
  /** Worker processes (`tts-batch worker`), each with `concurrency` segments in flight. */
  workers: number;
  concurrency: number;
  /** More worker environment (retry and rate-limit timings). */
  workerEnv?: Record<string, string>;
  /** What the producer puts on the jobs; default 20 attempts, 100 ms first backoff. */
  retry?: RetryPolicy;
}

/** Wall-clock phases of one render, measured from the producer's side. */
export interface RenderTiming {
  id: string;
  /** enqueueRender, start to return (the whole flow written to Redis). */
  enqueueMs: number;
  /** Enqueue start to the render entering `stitching` (every segment done). */
  synthesizeMs: number;
  /** `stitching` to `completed`. */
  stitchMs: number;
  /** Enqueue start to `completed`. */
  totalMs: number;
  manifest: Manifest;
}

export interface RenderBenchEnv {
  simulator: SenseAudioSimulator;
  /** The default output folder (segments are cached here across renders). */
  out: string;
  workerPids: number[];
  /** Everything each worker wrote to stderr so far (JSON log lines). */
  workerLogs(): string[];
  plan(text: string, raw?: RawRenderOptions): { plan: RenderPlan; options: RenderOptions };
  /** Enqueues, waits for the end by the render's own events, and reads the manifest. */
  render(id: string, plan: RenderPlan, options: RenderOptions, opts?: { output?: string; timeoutMs?: number }): Promise<RenderTiming>;
  close(): Promise<void>;
}

interface Waiting {
  started: number;
  stitchingAt?: number;
  done: (error: Error | undefined) => void;
}

const WORKER_START_TIMEOUT_MS = 60_000;

/**
 * The real pipeline as a benchmark drives it: the SenseAudio simulator in this process, real
 * `tts-batch worker` processes, a private Redis prefix and a temp output folder. `close`
 * stops the workers and removes the prefix and the folder.
 */
export async function startRenderBenchEnv(options: RenderBenchEnvOptions): Promise<RenderBenchEnv> {
  const { redisUrl } = options;
  const prefix = benchPrefix(options.label);
  const out = await mkdtemp(join(tmpdir(), `ttsb-bench-${options.label}-`));
  const apiKey = 'bench-key';
  const simulator = await startSenseAudioSimulator({ apiKey, ...options.simulator });
  const workers: WorkerProcess[] = [];
  const connection = createRedisConnection(redisUrl, 'producer');
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const waiting = new Map<string, Waiting>();

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await Promise.all(workers.map((worker) => stopChild(worker.child)));
      await simulator.close();
      subscriber.disconnect();
      connection.disconnect();
      const left = await deletePrefix(redisUrl, prefix);
      await rm(out, { recursive: true, force: true });
      if (left > 0) throw new Error(`${left} Redis keys under ${prefix} survived the cleanup`);
    })();
    return closed;
  };
  const paid = owe(close);

  try {
    const workerEnv = {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SENSEAUDIO_API_KEY: apiKey,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: String(options.concurrency),
      LOG_LEVEL: 'info',
      ...options.workerEnv,
    };
    for (let i = 0; i < options.workers; i += 1) workers.push(spawnWorker(workerEnv, ['--providers', 'senseaudio']));
    await withTimeout(Promise.all(workers.map((worker) => worker.ready)), WORKER_START_TIMEOUT_MS, 'workers did not start');
    await connectProducer(connection, redisUrl);
    const store = new RenderStore(connection, prefix);
    const channel = renderKeys(prefix, '').events;
    subscriber.on('message', (_channel: string, message: string) => {
      const event = JSON.parse(message) as { id: string; status?: string };
      const wait = waiting.get(event.id);
      if (!wait || event.status === undefined) return;
      if (event.status === 'stitching') wait.stitchingAt ??= performance.now();
      if (event.status === 'completed') wait.done(undefined);
      if (event.status === 'failed' || event.status === 'cancelled') {
        void store
          .get(event.id)
          .then((state) => wait.done(new Error(`render ${event.id} ${event.status}: ${state?.error ?? 'no reason recorded'}`)));
      }
    });
    await subscriber.subscribe(channel);

    const retry = options.retry ?? { attempts: 20, backoffMs: 100 };
    return {
      simulator,
      out,
      workerPids: workers.map((worker) => worker.child.pid ?? 0),
      workerLogs: () => workers.map((worker) => worker.stderr()),
      plan(text, raw = { format: 'pcm', sampleRate: 8000, channels: 1 }) {
        const resolved = resolveRenderOptions(senseAudioDefinition, raw);
        return { plan: planRender(text, senseAudioDefinition.limits), options: resolved };
      },
      async render(id, plan, resolved, opts = {}) {
        const output = opts.output ?? out;
        const started = performance.now();
        const finished = new Promise<Error | undefined>((resolve) => waiting.set(id, { started, done: resolve }));
        let enqueueMs: number;
        try {
          await enqueueRender(
            { connection, prefix, store, retry },
            { id, plan, provider: senseAudioDefinition, options: resolved, output: describeLocation(output) },
          );
          enqueueMs = performance.now() - started;
          const error = await withTimeout(finished, opts.timeoutMs ?? 600_000, `render ${id} did not finish`);
          if (error) throw error;
        } catch (error) {
          const logs = workers.map((worker) => worker.stderr().split('\n').slice(-5).join('\n')).join('\n');
          throw new Error(`${error instanceof Error ? error.message : String(error)}\nlast worker log lines:\n${logs}`, { cause: error });
        }
        const ended = performance.now();
        const wait = waiting.get(id);
        waiting.delete(id);
        const stitchingAt = wait?.stitchingAt ?? ended;
        const manifest = JSON.parse(await readFile(join(output, id, 'manifest.json'), 'utf8')) as Manifest;
        return { id, enqueueMs, synthesizeMs: stitchingAt - started, stitchMs: ended - stitchingAt, totalMs: ended - started, manifest };
      },
      async close() {
        paid();
        await close();
      },
    };
  } catch (error) {
    paid();
    await close().catch(() => undefined);
    throw error;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
