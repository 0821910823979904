import type { WordTiming } from '../providers/provider.ts';
import { readSegmentSidecar } from './segment-sidecar.ts';
import { segmentMetaKey } from '../queue/segment-key.ts';
import { DelayedError, UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts';
import { buildManifest } from '../render/manifest.ts';
import { splitTimingMap } from '../render/manifest-timings.ts';
import type { RenderOutline } from '../render/render-outline.ts';
import type { RenderStatus, SegmentResult } from '../render/render-record.ts';
import type { RenderState, RenderStore } from '../render/render-store.ts';
import type { AudioFormat } from '../audio/audio-settings.ts';
import { deliverBook, type DeliveredBook } from '../master/deliver-book.ts';
import type { OutputTags } from '../master/encode/encode-types.ts';
import { deliverRaw, startRawMeasurement } from '../master/deliver-raw.ts';
import type { WrittenMeasurement } from '../master/measure-while-writing.ts';
import type { DeliverySpec } from '../render/delivery-spec.ts';
import type { BookTiming, DeliveryFacts } from '../render/manifest.ts';
import type { RenderSpec } from '../render/render-record.ts';
import type { Storage } from '../storage/storage.ts';
import { handBackJob } from './hand-back-job.ts';
import { RenderEndedError, WorkerShutdownError, type RenderAborts } from './render-aborts.ts';
import { bytesBody } from '../util/bytes-body.ts';
import { classifyFailure } from './classify-failure.ts';
import { stitchOrHeal, type HealDeps } from './heal-segment.ts';
import { stitchJobDataSchema } from '../queue/job-data.ts';
import { isEndStatus, type AnnounceRenderEnd } from './render-ended.ts';
import { latestResultsByIndex } from './segment-results.ts';
import { stepTimings, type StepTimings } from './step-timings.ts';
import type { StoragePool } from '../runtime/storage-pool.ts';

export interface StitchDeps {
  storages: StoragePool;
  store: RenderStore;
  logger: Logger;
  metrics: MetricsRecorder;
  renderEnded: AnnounceRenderEnd;
  /** Mastering in flight, by render: a cancel or a forced shutdown aborts it. */
  aborts?: RenderAborts;
  /** True once the worker has begun shutting down (SIGTERM/SIGINT): see the hand-back in processStitch. */
  shuttingDown?: () => boolean;
  /** Sentences the manifest lists inline before they go to timings.json (default 2000). */
  maxInlineSentences?: number;
  /** Sends a damaged cached segment back to synthesis (see heal-segment.ts). */
  heal: Omit<HealDeps, 'logger'>;
}

/** What a stitch job returns: the result, or the end the render had already reached. */
export type StitchOutcome = { location: string; durationMs: number } | { ended: RenderStatus };

/** The children's results (the newest of a healed segment), in spoken order, checked against the plan. */
function orderedResults(values: Record<string, unknown>, expected: number): SegmentResult[] {
  const results = [...latestResultsByIndex(values).values()].map((latest) => latest.result);
  // A segment abandoned because its render ended has no audio: it can never be stitched.
  const abandoned = results.find((r) => r.cancelled === true);
  if (abandoned) throw new UnrecoverableError(`stitch: segment ${abandoned.index} was abandoned (its render had ended)`);
  results.sort((a, b) => a.index - b.index);
  if (results.length !== expected || results.some((r, position) => r.index !== position)) {
    throw new UnrecoverableError(`stitch: expected ${expected} segment results, got indexes ${results.map((r) => r.index).join(',')}`);
  }
  return results;
}

/** The outline's pauses for the join (the head, then after each segment); none at all leaves the join as it was. */
function pausesOf(outline: RenderOutline): { pausesAfterMs?: number[]; pauseBeforeMs?: number } {
  const pausesAfterMs = outline.segments.map((segment) => segment.pauseAfter?.ms ?? 0);
  const pauseBeforeMs = outline.pauseBefore?.ms ?? 0;
  return {
    ...(pausesAfterMs.some((ms) => ms > 0) ? { pausesAfterMs } : {}),
    ...(pauseBeforeMs > 0 ? { pauseBeforeMs } : {}),
  };
}

/** A render enqueued before delivery existed: the raw join, where it always went. */
function legacyDelivery(spec: RenderSpec): DeliverySpec {
  return {
    profile: 'raw',
    format: spec.audio.format,
    split: 'none',
    tags: spec.title === undefined ? {} : { title: spec.title },
    folder: spec.id,
    baseName: 'audio',
  };
}

/** Masters and encodes (or, raw, joins) the book into its folder; what the manifest needs about it. */
async function deliver(
  spec: RenderSpec,
  delivery: DeliverySpec,
  outline: RenderOutline,
  results: readonly SegmentResult[],
  storage: Storage,
  signal: AbortSignal,
  measuring: WrittenMeasurement | undefined,
): Promise<{ timing: BookTiming; facts: DeliveryFacts; sentenceTimings?: DeliveredBook['sentenceTimings'] }> {
  const chapters = outline.chapters.map((c) => ({ title: c.title, firstSegment: c.firstSegment, source: c.source }));
  const segmentKeys = results.map((r) => r.key);
  const tags = { ...delivery.tags };
  if (delivery.profile === 'raw') {
    const audioKey = rawAudioKey(delivery);
    const { stitched, measurement } = await deliverRaw({
      storage,
      segmentKeys,
      segmentAudio: spec.audio,
      format: delivery.format as AudioFormat,
      outputKey: audioKey,
      ...(spec.title === undefined ? {} : { title: spec.title }),
      chapters,
      ...pausesOf(outline),
      signal,
      ...(measuring === undefined ? {} : { measuring }),
    });
    const name = audioKey.slice(delivery.folder.length + 1);
    return {
      // Raw times are the join's own frame or sample counts, one timeline with the segments'. For an
      // MP3 join that counts the first segment's encoder delay and the last one's padding, which a
      // gapless player drops: `files[0].durationMs` is the decoded length (docs/outputs.md).
      timing: { ...stitched, bitrateKbps: measurement.bitrateKbps },
      facts: {
        profile: 'raw',
        format: delivery.format,
        folder: delivery.folder,
        audioKey,
        bytes: stitched.bytes,
        files: [
          {
            name,
            role: 'book',
            format: delivery.format,
            bytes: stitched.bytes,
            durationMs: round(measurement.durationMs),
            chapters: { first: 0, last: Math.max(0, chapters.length - 1) },
            loudness: measurement.loudness,
          },
        ],
        loudness: measurement.loudness,
        compliance: [],
        tags,
      },
    };
  }
  // Word times the provider gave were written beside each segment at synthesis: read back only when asked for.
  const words = spec.voiceSettings.wordTimestamps === true ? await sidecarWords(storage, segmentKeys) : undefined;
  const book = await deliverBook({
    storage,
    segmentKeys,
    segmentAudio: spec.audio,
    // Every pause as planned, zeros included: an explicit head=0 or tail=0 is not "the profile's default".
    pausesAfterMs: outline.segments.map((segment) => segment.pauseAfter?.ms ?? 0),
    pauseBeforeMs: outline.pauseBefore?.ms ?? 0,
    chapters,
    profile: delivery.profile,
    format: delivery.format,
    split: delivery.split,
    ...(delivery.subtitles === undefined ? {} : { subtitles: delivery.subtitles }),
    ...(delivery.readAlong === undefined ? {} : { readAlong: delivery.readAlong }),
    sentences: outline.segments.map((segment) => segment.sentences ?? []),
    ...(words === undefined ? {} : { words }),
    ...(delivery.bitrateKbps === undefined ? {} : { bitrateKbps: delivery.bitrateKbps }),
    tags: definedTags(delivery.tags),
    ...(delivery.cover === undefined ? {} : { cover: delivery.cover }),
    folder: delivery.folder,
    baseName: delivery.baseName,
    signal,
  });
  return {
    timing: {
      durationMs: book.durationMs,
      pauseBeforeMs: book.pauseBeforeMs,
      sampleRate: book.sampleRate,
      channels: book.channels,
      bitrateKbps: book.measurement.bitrateKbps,
      segments: book.segments,
      chapters: book.chapters,
      sentences: book.sentences,
    },
    facts: {
      profile: delivery.profile,
      format: delivery.format,
      folder: delivery.folder,
      audioKey: book.bookKey,
      bytes: book.files.find((file) => file.role === 'book')?.bytes ?? 0,
      files: book.files.map((file) => ({
        name: file.name,
        role: file.role,
        format: file.format,
        bytes: file.bytes,
        ...(file.durationMs === undefined ? {} : { durationMs: round(file.durationMs) }),
        ...(file.chapters === undefined ? {} : { chapters: file.chapters }),
        ...(file.measurement === undefined ? {} : { loudness: file.measurement.loudness }),
        ...(file.cues === undefined ? {} : { cues: file.cues }),
        ...(file.readAlong === undefined ? {} : { readAlong: file.readAlong }),
      })),
      loudness: book.measurement.loudness,
      compliance: book.compliance,
      gainDb: book.gainDb,
      tags,
    },
    sentenceTimings: book.sentenceTimings,
  };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** The tags that are set (a parsed record's optional fields may hold undefined). */
function definedTags(tags: DeliverySpec['tags']): OutputTags {
  return Object.fromEntries(Object.entries(tags).filter(([, value]) => value !== undefined));
}

/** Runs when every segment of a render is done: joins them and writes audio + manifest. */
export async function processStitch(job: Job, deps: StitchDeps, token?: string): Promise<StitchOutcome> {
  const { renderId } = stitchJobDataSchema.parse(job.data);
  // Where a stitch's time goes, in its "render completed" line (issue 14 item 6).
  const steps = stepTimings();
  const state = await deps.store.get(renderId);
  if (!state) throw new UnrecoverableError(`stitch: render ${renderId} has no record`);
  if (isEndStatus(state.status)) {
    // Cancelled (its pending segments removed, so this parent was released) or already done by
    // an earlier attempt: write nothing, and make sure the end was announced.
    deps.logger.info({ renderId, status: state.status }, 'render already ended; not stitching');
    await deps.renderEnded(renderId, state.status);
    return { ended: state.status };
  }
  // A raw join measured as it is written starts its ffmpeg now, so that the process start
  // overlaps the reads below rather than following them. Reaped on every way out.
  const delivery = state.spec.delivery ?? legacyDelivery(state.spec);
  const measureStop = new AbortController();
  const measuring =
    delivery.profile === 'raw'
      ? startRawMeasurement(state.spec.audio, delivery.format as AudioFormat, rawAudioKey(delivery), measureStop.signal)
      : undefined;
  try {
    return await stitchRender(job, deps, token, { renderId, state, delivery, steps, measuring, measureStop });
  } finally {
    measureStop.abort(new Error('the stitch ended'));
    await measuring?.result().catch(() => undefined);
  }
}

/** The key of a raw delivery's audio. */
function rawAudioKey(delivery: DeliverySpec): string {
  return `${delivery.folder}/${delivery.baseName}.${delivery.format}`;
}

interface StartedStitch {
  renderId: string;
  state: RenderState;
  delivery: DeliverySpec;
  steps: StepTimings;
  measuring: WrittenMeasurement | undefined;
  /** Stops `measuring` (a cancel, a shutdown). */
  measureStop: AbortController;
}

async function stitchRender(job: Job, deps: StitchDeps, token: string | undefined, started: StartedStitch): Promise<StitchOutcome> {
  const { renderId, state, delivery, steps, measuring, measureStop } = started;
  const { spec } = state;
  // The outline and the children's results are read while the status is set: one wait, not three
  // (their failures still count as the stitch's, below).
  const reading = Promise.all([deps.store.outline(renderId), job.getChildrenValues()]);
  reading.catch(() => undefined);
  await deps.store.markStitching(renderId);
  steps.lap('markStitching');
  try {
    const [outline, values] = await reading;
    if (!outline) throw new UnrecoverableError(`stitch: render ${renderId} has no outline`);
    const results = orderedResults(values, spec.segmentCount);
    steps.lap('outlineAndResults');
    const storage = deps.storages.get(spec.output);
    const started = Date.now();
    const heal = { job, token, spec, results, storage, deps: { ...deps.heal, logger: deps.logger } };
    // A cancel aborts the mastering (its ffmpeg killed, its temp files and puts removed); a
    // forced shutdown hands the job back to the queue for another worker.
    const tracked = deps.aborts?.track(renderId);
    tracked?.signal.addEventListener('abort', () => measureStop.abort(tracked.signal.reason), { once: true });
    let delivered: Awaited<ReturnType<typeof deliver>>;
    try {
      delivered = await stitchOrHeal(heal, () =>
        deliver(spec, delivery, outline, results, storage, tracked?.signal ?? new AbortController().signal, measuring),
      );
    } catch (error) {
      if (tracked?.signal.aborted && tracked.signal.reason instanceof WorkerShutdownError) return await handBackJob(job, token);
      if (tracked?.signal.aborted && tracked.signal.reason instanceof RenderEndedError) {
        const ended = (await deps.store.get(renderId))?.status ?? 'cancelled';
        deps.logger.info({ renderId, status: ended }, 'render ended while mastering; nothing delivered');
        return { ended };
      }
      // A SIGTERM sent to every process of the worker (systemd's default KillMode=control-group,
      // `kill -TERM -PGID`; a terminal's Ctrl-C sends SIGINT alike) stops ffmpeg too, before the
      // worker decides anything: its exit then says nothing about the book. Failing during a
      // shutdown, the stitch goes back to the queue without spending an attempt (before: one spent
      // per such shutdown, the render failed on its last); a real fault fails on the next worker.
      if (deps.shuttingDown?.() === true && !(error instanceof WaitingChildrenError) && !(error instanceof DelayedError)) {
        deps.logger.info(
          { renderId, reason: error instanceof Error ? error.message : String(error) },
          'stitch stopped while the worker shuts down; handing it back',
        );
        return await handBackJob(job, token);
      }
      throw error;
    } finally {
      tracked?.release();
    }
    steps.lap('deliver');
    await deps.metrics.stitched(Date.now() - started);
    const { timing, facts, sentenceTimings } = delivered;
    if (sentenceTimings !== undefined)
      await deps.metrics.sentenceTimings({ aligned: sentenceTimings.aligned, reused: sentenceTimings.reused });
    const audioKey = facts.audioKey;
    const { manifest, sidecar } = splitTimingMap(buildManifest(spec, outline, results, timing, facts), deps.maxInlineSentences ?? 2000);
    const manifestKey = `${delivery.folder}/manifest.json`;
    if (sidecar !== undefined)
      await storage.put(`${delivery.folder}/${sidecar.name}`, bytesBody(sidecar.text), { contentType: 'application/json' });
    steps.lap('buildManifest');
    await storage.put(manifestKey, bytesBody(`${JSON.stringify(manifest, null, 2)}\n`), { contentType: 'application/json' });
    steps.lap('manifestPut');
    const location = `${storage.url}/${audioKey}`;
    const completed = await deps.store.markCompleted(renderId, {
      location,
      manifest: `${storage.url}/${manifestKey}`,
      durationMs: manifest.durationMs,
      bytes: manifest.bytes,
      billedCharacters: manifest.billedCharacters,
      ...(manifest.qa !== undefined && manifest.qa.flagged > 0 ? { flagged: manifest.qa.flagged } : {}),
    });
    steps.lap('markCompleted');
    if (!completed) {
      const ended = (await deps.store.get(renderId))?.status ?? 'cancelled';
      // Cancelled while stitching: a cancelled render leaves no result behind. (Any other end
      // was reached by another run of this job, whose result this is: it stays.)
      if (ended === 'cancelled')
        await Promise.allSettled([
          ...manifest.files.map((file) => storage.delete(`${delivery.folder}/${file.name}`)),
          storage.delete(manifestKey),
        ]);
      deps.logger.info({ renderId, status: ended }, 'render ended while stitching');
      return { ended };
    }
    // Its budget booking is settled against what it billed by the end's announcement (render-ended.ts).
    await deps.renderEnded(renderId, 'completed');
    steps.lap('announced');
    deps.logger.info(
      {
        renderId,
        segments: results.length,
        durationMs: manifest.durationMs,
        stitchMs: Date.now() - started,
        steps: steps.result(),
        ...(sentenceTimings === undefined ? {} : { sentenceTimings }),
      },
      'render completed',
    );
    return { location, durationMs: manifest.durationMs };
  } catch (error) {
    if (error instanceof WaitingChildrenError) throw error; // a segment went back to synthesis: flow control
    if (error instanceof DelayedError) throw error; // its heal finished already: handed back to stitch again
    const failure = classifyFailure(error, 0);
    const final = failure.action === 'fail' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final) {
      if (await deps.store.markFailed(renderId, `stitch: ${failure.reason}`)) await deps.renderEnded(renderId, 'failed');
      if (!(error instanceof UnrecoverableError) && failure.action === 'fail') throw new UnrecoverableError(failure.reason);
    }
    deps.logger.warn({ renderId, reason: failure.reason, final }, 'stitch failed');
    throw error;
  }
}

/** Each segment's word times from its sidecar, 16 reads at a time (a book has thousands). */
async function sidecarWords(storage: Storage, keys: readonly string[]): Promise<(readonly WordTiming[] | undefined)[]> {
  const words: (readonly WordTiming[] | undefined)[] = [];
  for (let i = 0; i < keys.length; i += 16) {
    const batch = keys.slice(i, i + 16).map(async (key) => (await readSegmentSidecar(storage, segmentMetaKey(key))).words);
    words.push(...(await Promise.all(batch)));
  }
  return words;
}
