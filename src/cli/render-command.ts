import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { setTimeout as delay } from 'node:timers/promises';
import type { AppConfig } from '../runtime/app-config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { enqueueRender } from '../producer/enqueue-render.ts';
import { planRender } from '../producer/plan.ts';
import { providerPlanOptions } from '../producer/provider-plan-options.ts';
import { checkRenderLimits, renderCaps } from '../producer/render-limits.ts';
import { resolveRenderOptions } from '../producer/render-options.ts';
import { providerLimits } from '../providers/provider-limits.ts';
import { providerDefinition } from '../providers/registry.ts';
import { parsePauseList, resolvePauseRules } from '../text/pause-rules.ts';
import { STITCH_QUEUE } from '../queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../queue/redis-connection.ts';
import { assertRenderId } from '../render/render-id.ts';
import { getRenderStatus, progressOf } from '../render/render-status.ts';
import { RenderStore, type RenderState } from '../render/render-store.ts';
import { checkOutputWritable } from '../storage/check-output.ts';
import { describeLocation, openStorage } from '../storage/open-storage.ts';
import { readCover, type CoverImage } from '../master/encode/cover-image.ts';
import { checkPausesForProfile, resolveDelivery, segmentFormatAsked } from '../producer/delivery-options.ts';
import { storeCover } from '../producer/store-cover.ts';
import { readAlongEpub } from '../producer/read-along-input.ts';
import { storeReadAlongSource } from '../producer/store-read-along-source.ts';
import { nameOfInputFile } from '../render/book-name.ts';
import { fileURLToPath } from 'node:url';
import { basename } from 'node:path';
import { InputError } from '../errors/input-error.ts';
import { createLogger } from '../util/logger.ts';
import { startWorkers, type WorkerRuntime } from '../worker/start-workers.ts';
import { LocalCredentialFailure } from './local-credentials.ts';
import { discardLocalPrefix, localQueuePrefix } from './local-prefix.ts';
import { formatProgress, ProgressReporter } from './progress-reporter.ts';
import { readFileBytes, readTextFile } from '../book/read-input-file.ts';
import { readInput } from '../book/read-input.ts';
import type { BookInput } from '../book/book-input.ts';
import type { Book, InputFormat } from '../book/book.ts';
import { usableBookCover, withBookTags } from '../producer/book-defaults.ts';
import { resolveReadingOptions, textToPlan } from '../book/input-chapters.ts';
import { metadataTags } from '../book/metadata-tags.ts';
import { parseInputFormat } from '../book/detect-format.ts';
import { cliVoiceSettings, type SettingAssignment } from './setting-flags.ts';
import { WorkerNotice } from './worker-notice.ts';
import { resolveLexicon } from '../producer/render-lexicon.ts';
import { describeLexicon } from '../producer/segment-lexicon.ts';

export interface RenderCommandOptions {
  provider: string;
  voice?: string;
  model?: string;
  /** The output format (mp3, m4b, …); the segments' is `segmentFormat`. */
  format?: string;
  segmentFormat?: string;
  profile?: string;
  split?: string;
  subtitles?: string;
  /** `--read-along`: an EPUB 3 with Media Overlays beside the book (EPUB input). */
  readAlong?: boolean;
  outputBitrate?: number;
  author?: string;
  narrator?: string;
  cover?: string;
  year?: number;
  genre?: string;
  language?: string;
  sampleRate?: number;
  bitrate?: number;
  channels?: number;
  /** The providers' setting flags as parsed (--speed, --blend, --ref-audio, …), by setting key. */
  settingFlags?: Readonly<Record<string, unknown>>;
  /** `--set KEY=VALUE`, in order. */
  set?: SettingAssignment[];
  out: string;
  id?: string;
  title?: string;
  /** `--input-format`: read the file as text, markdown, html or epub (default: detected). */
  inputFormat?: string;
  /** `--chapters 1-3,7`: by number in the book (see `tts-batch chapters FILE`). */
  chapters?: string;
  skipFrontMatter?: boolean;
  speakHeadings?: boolean;
  /** Markdown and HTML: the heading level that starts a chapter. */
  chapterLevel?: number;
  /** Markdown: speak code blocks and HTML blocks. */
  speakCode?: boolean;
  /** `--pauses paragraph=750,chapter=2000`: overrides of DEFAULT_PAUSE_RULES, in ms. */
  pauses?: string;
  /** `--lexicon FILE`: pronunciations (docs/lexicon.md), merged over LEXICON_FILE. */
  lexicon?: string;
  wait?: boolean;
  local?: boolean;
}

/** Enqueues a book; prints its id first on stdout; with --wait/--local follows it to the end. */
export async function renderCommand(file: string, opts: RenderCommandOptions, config: AppConfig): Promise<number> {
  // Everything that can be checked without Redis is checked first: bad input enqueues nothing.
  const definition = providerDefinition(opts.provider);
  const options = resolveRenderOptions(definition, {
    model: opts.model,
    voice: opts.voice,
    format: segmentFormatAsked(opts),
    sampleRate: opts.sampleRate,
    bitrate: opts.bitrate,
    channels: opts.channels,
    // Each provider's strict schema takes what it knows and refuses the rest by name.
    voiceSettings: cliVoiceSettings(definition.settingAliases ?? [], opts.settingFlags ?? {}, opts.set ?? []),
  });
  if (opts.id !== undefined) assertRenderId(opts.id);
  const bytes = await readFileBytes(file);
  const input = await readInputBytes(bytes, file, opts);
  const book = input.kind === 'book' ? input.book : undefined;
  // The book's own title, authors and cover fill what the flags leave unset.
  const tags = withBookTags(opts, book === undefined ? {} : metadataTags(book.metadata));
  const delivery = resolveDelivery(tags, options.audio, options.voice);
  const pauses = resolvePauseRules('--pauses', opts.pauses === undefined ? undefined : parsePauseList(opts.pauses));
  checkPausesForProfile('--pauses', delivery, pauses);
  const reading = resolveReadingOptions(input, opts);
  const cover = opts.cover === undefined ? bookCover(book) : await readCover(opts.cover, undefined).catch(renameField('cover'));
  const readAlongSource = await readAlongEpub(opts.readAlong, input, bytes);
  const limits = providerLimits(definition, config, options);
  const lexicon = await resolveLexicon({
    defaultFile: config.LEXICON_FILE,
    own: opts.lexicon === undefined ? undefined : { text: await readTextFile(opts.lexicon, 'lexicon'), field: 'lexicon' },
  });
  const plan = planRender(textToPlan(input, reading), limits, providerPlanOptions(definition, options), pauses);
  checkRenderLimits(plan, options.audio, tags.title, renderCaps(config));
  const output = describeLocation(opts.out);
  definition.validateVoice?.(options.voice, config, options);
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
      },
      {
        id: opts.id,
        title: tags.title,
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

/** Reads the file named on the command line as the book it is (see readInput). */
export async function readInputFile(
  file: string,
  opts: Pick<RenderCommandOptions, 'inputFormat' | 'chapterLevel' | 'speakCode'>,
): Promise<BookInput> {
  return readInputBytes(await readFileBytes(file), file, opts);
}

function readInputBytes(
  bytes: Buffer,
  file: string,
  opts: Pick<RenderCommandOptions, 'inputFormat' | 'chapterLevel' | 'speakCode'>,
): Promise<BookInput> {
  const format: InputFormat | undefined = opts.inputFormat === undefined ? undefined : parseInputFormat(opts.inputFormat);
  return readInput(bytes, {
    name: basename(file),
    format,
    chapterLevel: opts.chapterLevel,
    speakCode: opts.speakCode,
  });
}

/** The book's own cover when the encoders can take it; said on stderr when not (--cover gives another). */
function bookCover(book: Book | undefined): Pick<CoverImage, 'bytes' | 'mime'> | undefined {
  const { cover, skipped } = usableBookCover(book?.cover);
  if (skipped !== undefined) process.stderr.write(`tts-batch: ${skipped} (--cover gives one)\n`);
  return cover;
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

/** readCover names its field coverPath (the encoder's); the CLI's user knows --cover. */
function renameField(field: string): (error: unknown) => never {
  return (error: unknown) => {
    if (error instanceof InputError) throw new InputError(field, error.message.slice(error.field.length + 2), error.value);
    throw error;
  };
}
