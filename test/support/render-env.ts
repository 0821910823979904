import { Job, Queue, QueueEvents } from 'bullmq';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { enqueueRender, type EnqueuedRender, type RenderRequest } from '../../src/producer/enqueue-render.ts';
import { planRender, type RenderPlan } from '../../src/producer/plan.ts';
import { providerPlanOptions } from '../../src/producer/provider-plan-options.ts';
import { resolveRenderOptions, type RawRenderOptions, type RenderOptions } from '../../src/producer/render-options.ts';
import type { Provider } from '../../src/providers/provider.ts';
import type { ProviderDefinition } from '../../src/providers/provider-definition.ts';
import { providerLimits } from '../../src/providers/provider-limits.ts';
import { STITCH_QUEUE } from '../../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { NO_PAUSES, type PauseRules } from '../../src/text/pause-rules.ts';
import { startWorkers, type WorkerRuntime } from '../../src/worker/start-workers.ts';
import { deletePrefix, testConfig } from './test-config.ts';

export interface RenderEnv {
  config: AppConfig;
  /** Local output folder (absolute path). */
  out: string;
  store: RenderStore;
  /** Without `pauses` the plan asks for no structural pause (tests about other things keep their times). */
  plan(text: string, raw?: RawRenderOptions, pauses?: Readonly<PauseRules>): { plan: RenderPlan; options: RenderOptions };
  /** `extra`: more of the render request (take checks, priority …). */
  enqueue(id: string, plan: RenderPlan, options: RenderOptions, extra?: Partial<RenderRequest>): Promise<EnqueuedRender>;
  /** Waits for the render's stitch job to finish (by event) and reads its manifest. */
  finish(id: string, timeoutMs?: number): Promise<Manifest>;
  /** Paths of a render's segment files, in spoken order. */
  segmentPaths(id: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Real Redis (private prefix), in-process workers for one provider, local output folder:
 * the pipeline as a test drives it. `env` are environment variables for the config.
 */
export async function startRenderEnv(
  definition: ProviderDefinition,
  env: Record<string, string>,
  options: { providerOverride?: Provider; startWorkers?: boolean } = {},
): Promise<RenderEnv> {
  const config = testConfig(env);
  const out = await mkdtemp(join(tmpdir(), `ttsb-${definition.name}-`));
  let runtime: WorkerRuntime | undefined;
  if (options.startWorkers !== false) {
    runtime = await startWorkers({
      config,
      logger: pino({ level: 'silent' }),
      providers: [definition.name],
      ...(options.providerOverride ? { providerOverrides: new Map([[definition.name, options.providerOverride]]) } : {}),
    });
  }
  const connection = createRedisConnection(config.REDIS_URL, 'producer');
  await connectProducer(connection, config.REDIS_URL);
  const store = new RenderStore(connection, config.QUEUE_PREFIX);
  const events = new QueueEvents(STITCH_QUEUE, { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
  const stitchQueue = new Queue(STITCH_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
  await events.waitUntilReady();
  return {
    config,
    out,
    store,
    plan(text, raw = {}, pauses = NO_PAUSES) {
      const resolved = resolveRenderOptions(definition, raw);
      return {
        plan: planRender(text, providerLimits(definition, config, resolved), providerPlanOptions(definition, resolved), pauses),
        options: resolved,
      };
    },
    enqueue: (id, plan, resolved, extra = {}) =>
      enqueueRender(
        { connection, prefix: config.QUEUE_PREFIX, store, retry: { attempts: config.RETRY_ATTEMPTS, backoffMs: config.RETRY_BACKOFF_MS } },
        { ...extra, id, plan, provider: definition, options: resolved, output: describeLocation(out) },
      ),
    async finish(id, timeoutMs = 240_000) {
      const job = await Job.fromId(stitchQueue, id);
      if (!job) throw new Error(`stitch job ${id} was not enqueued`);
      await job.waitUntilFinished(events, timeoutMs);
      return JSON.parse(await readFile(join(out, id, 'manifest.json'), 'utf8')) as Manifest;
    },
    async segmentPaths(id) {
      const outline = await store.outline(id);
      if (!outline) throw new Error(`no render ${id}`);
      return outline.segments.map((s) => join(out, s.key));
    },
    async close() {
      await runtime?.close(5000);
      await events.close();
      await stitchQueue.close();
      await connection.quit();
      await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
      await rm(out, { recursive: true, force: true });
    },
  };
}
