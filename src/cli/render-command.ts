import { parseRenderPriority } from '../render/render-priority.ts';
import { parseQaRequest } from '../verify/qa-record.ts';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../runtime/app-config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { enqueueRender } from '../producer/enqueue-render.ts';
import { checkMaxUnits } from '../producer/render-budget.ts';
import { STITCH_QUEUE } from '../queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../queue/redis-connection.ts';
import { getRenderStatus, progressOf } from '../render/render-status.ts';
import { RenderStore, type RenderState } from '../render/render-store.ts';
import { checkOutputWritable } from '../storage/check-output.ts';
import { openStorage } from '../storage/open-storage.ts';
import { storeCover } from '../producer/store-cover.ts';
import { storeReadAlongSource } from '../producer/store-read-along-source.ts';
import { nameOfInputFile } from '../render/book-name.ts';
import { createLogger } from '../util/logger.ts';
import { startWorkers, type WorkerRuntime } from '../worker/start-workers.ts';
import { estimatePrepared } from './estimate-command.ts';
import { formatEstimate } from './format-estimate.ts';
import { LocalCredentialFailure } from './local-credentials.ts';
import { discardLocalPrefix, localQueuePrefix } from './local-prefix.ts';
import { prepareRender, type PreparedRender } from './prepare-render.ts';
import { formatProgress, ProgressReporter } from './progress-reporter.ts';
import type { RenderCommandOptions } from './render-command-options.ts';
import { WorkerNotice } from './worker-notice.ts';
import { describeLexicon } from '../producer/segment-lexicon.ts';

/** Kept here for the commands that read a book the way render does (chapters). */
export { readInputFile } from './prepare-render.ts';

export type { RenderCommandOptions } from './render-command-options.ts';

/** Enqueues a book; prints its id first on stdout; with --wait/--local follows it to the end. */
export async function renderCommand(file: string, opts: RenderCommandOptions, config: AppConfig): Promise<number> {
  // Everything that can be checked without Redis is checked first: bad input enqueues nothing.
  const qa = parseQaRequest(opts.qa, opts.maxTakes);
  const prepared = await prepareRender(file, opts, config);
  // --dry-run: what it would cost, and whether --max-units would let it through; nothing is written.
  if (opts.dryRun) return dryRun(prepared, opts, config);
  const { definition, options, input, tags, delivery, cover, readAlongSource, limits, lexicon, plan, output } = prepared;
  if (opts.local && !definition.credentialsSet(config)) {
    throw new ConfigError(`--local: ${definition.name} is not ready here: ${definition.setupHint}`);
  }
  // Last of the checks (it is the only one that talks to the network): a probe write and delete.
  await checkOutputWritable(output, config);
  const outputStorage = openStorage(output, config);

  // --local is self-contained: a private prefix, so its workers serve only its own render.
  const prefix = opts.local ? localQueuePrefix(config.QUEUE_PREFIX) : config.QUEUE_PREFIX;
  const localFailure = new LocalCredentialFailure();
  const logger = createLogger(config.LOG_LEVEL ?? 'warn');
  const connection = createRedisConnection(config.REDIS_URL, 'producer');
  connection.on('error', () => undefined); // surfaced by the commands that fail
  let runtime: WorkerRuntime | undefined;
  try {
    // Before Redis and before any worker: a render over its cap enqueues nothing and asks nothing.
    if (opts.maxUnits !== undefined) checkMaxUnits(await estimatePrepared(prepared, outputStorage, config), opts.maxUnits);
    await connectProducer(connection, config.REDIS_URL);
    const store = new RenderStore(connection, prefix, { retentionDays: config.RENDER_RETENTION_DAYS });
    if (opts.local)
      runtime = await startWorkers({
        config: { ...config, QUEUE_PREFIX: prefix },
        logger,
        providers: [definition.name],
        onCredentialsRefused: localFailure.onRefused,
      });
    const render = await enqueueRender(
      {
        connection,
        prefix,
        store,
        retry: { attempts: config.RETRY_ATTEMPTS, backoffMs: config.RETRY_BACKOFF_MS },
        enqueueTimeoutMs: config.ENQUEUE_RECONCILE_MS,
        outputStorage,
        budgets: { unitsPerWindow: config.PROVIDER_DAILY_BUDGET, windowMs: config.BUDGET_WINDOW_MS },
      },
      {
        id: opts.id,
        title: tags.title,
        priority: parseRenderPriority(opts.priority),
        qa,
        plan,
        source: input.source,
        provider: definition,
        options,
        output,
        ...(lexicon === undefined ? {} : { lexicon: { entries: lexicon, limits } }),
        delivery: {
          options: delivery,
          name: nameOfInputFile(file),
          ...(cover === undefined ? {} : { cover: await storeCover(outputStorage, cover) }),
          ...(readAlongSource === undefined ? {} : { readAlong: await storeReadAlongSource(outputStorage, readAlongSource) }),
        },
      },
    );
    localFailure.bind(store, render.id);
    process.stdout.write(`${render.id}\n`);
    process.stderr.write(
      `enqueued ${render.id}: ${render.segments} segments, ${render.characters} characters, ${render.chapters} chapters → ${output}\n`,
    );
    if (render.lexicon !== undefined) process.stderr.write(`${describeLexicon(render.lexicon)}\n`);
    if (!opts.wait && !opts.local) return 0;
    const notice = opts.local ? undefined : new WorkerNotice(connection, prefix, definition.name);
    return await followRender(connection, store, new Queue(STITCH_QUEUE, { connection, prefix }), render.id, notice);
  } finally {
    await outputStorage.close();
    await runtime?.close();
    if (opts.local && connection.status === 'ready') {
      // Best effort, but said: the render's outcome stands either way.
      await discardLocalPrefix(connection, prefix, definition.name).catch((error: unknown) =>
        process.stderr.write(
          `tts-batch: could not remove the private prefix ${prefix} from Redis: ${error instanceof Error ? error.message : String(error)}\n`,
        ),
      );
    }
    // quit() fails while Redis is away, and the connection would then go on reconnecting and
    // keep the process alive after it has said why it stopped.
    await connection.quit().catch(() => connection.disconnect());
  }
}

/** How long --wait rides out a Redis that went away (a restart, a failover) before it stops following. */
const REDIS_PATIENCE_MS = 60_000;

async function followRender(connection: Redis, store: RenderStore, stitchQueue: Queue, id: string, notice?: WorkerNotice): Promise<number> {
  const reporter = new ProgressReporter();
  // Redis going away shows up below, where reads fail; the queue's own report of it is noise.
  stitchQueue.on('error', () => undefined);
  let lostSince: number | undefined;
  try {
    for (;;) {
      let state: RenderState | null;
      try {
        state = await getRenderStatus(store, stitchQueue, id);
        lostSince = undefined;
      } catch (error) {
        // The producer connection fails fast (no offline queue) and reconnects by itself: while it
        // is not ready, a failed read means Redis is away, not that the render failed.
        if (connection.status === 'ready') throw error;
        lostSince ??= Date.now();
        if (Date.now() - lostSince > REDIS_PATIENCE_MS) {
          const message = `lost Redis for ${REDIS_PATIENCE_MS / 1000} s while following render ${id}; the render itself goes on (see \`tts-batch status ${id}\`)`;
          throw new TtsBatchError('REDIS_LOST', message, { value: id, cause: error, retryable: false });
        }
        reporter.update(`waiting for Redis to come back (${error instanceof Error ? error.message : String(error)})`);
        await delay(500);
        continue;
      }
      if (!state) throw new Error(`render ${id} disappeared from Redis`);
      const line = formatProgress(state.status, progressOf(state));
      if (state.status === 'completed' && state.result) {
        reporter.done(`${line} · ${(state.result.durationMs / 1000).toFixed(1)} s of audio`);
        const flagged = state.result.flagged ?? 0;
        if (flagged > 0)
          process.stderr.write(
            `tts-batch: ${flagged} segment${flagged === 1 ? '' : 's'} flagged: no take passed its checks (the best was kept); list them with: tts-batch qa ${state.result.manifest.startsWith('file:') ? displayLocation(state.result.manifest) : id}\n`,
          );
        // A path a shell can use (or an s3:// URL), not a file:// URL.
        process.stdout.write(`${displayLocation(state.result.location)}\n`);
        return 0;
      }
      if (state.status === 'failed' || state.status === 'cancelled') {
        reporter.done(line);
        process.stderr.write(`tts-batch: render ${id} ${state.status}${state.error ? `: ${state.error}` : ''}\n`);
        return 1;
      }
      reporter.update(line);
      await notice?.check(id, state.status);
      await delay(500);
    }
  } finally {
    await stitchQueue.close();
  }
}

/** A local output's file as a path; an s3:// location as it is. */
export function displayLocation(location: string): string {
  return location.startsWith('file:') ? fileURLToPath(new URL(location)) : location;
}

/** `--dry-run`: the estimate on stdout, then the --max-units verdict (exit 2 when over it); nothing else. */
async function dryRun(prepared: PreparedRender, opts: RenderCommandOptions, config: AppConfig): Promise<number> {
  const storage = openStorage(prepared.output, config);
  try {
    const estimate = await estimatePrepared(prepared, storage, config);
    process.stdout.write(opts.json ? `${JSON.stringify(estimate, null, 2)}\n` : formatEstimate(estimate));
    checkMaxUnits(estimate, opts.maxUnits);
    return 0;
  } finally {
    await storage.close();
  }
}
