import { DelayedError, UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts';
import { buildManifest } from '../render/manifest.ts';
import type { RenderOutline } from '../render/render-outline.ts';
import type { RenderStatus, SegmentResult } from '../render/render-record.ts';
import type { RenderStore } from '../render/render-store.ts';
import { stitch } from '../stitcher/stitch.ts';
import { bytesBody } from '../util/bytes-body.ts';
import { classifyFailure } from './classify-failure.ts';
import { stitchOrHeal, type HealDeps } from './heal-segment.ts';
import { stitchJobDataSchema } from '../queue/job-data.ts';
import { isEndStatus, type AnnounceRenderEnd } from './render-ended.ts';
import { latestResultsByIndex } from './segment-results.ts';
import type { StoragePool } from '../runtime/storage-pool.ts';

export interface StitchDeps {
  storages: StoragePool;
  store: RenderStore;
  logger: Logger;
  metrics: MetricsRecorder;
  renderEnded: AnnounceRenderEnd;
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

/** Runs when every segment of a render is done: joins them and writes audio + manifest. */
export async function processStitch(job: Job, deps: StitchDeps, token?: string): Promise<StitchOutcome> {
  const { renderId } = stitchJobDataSchema.parse(job.data);
  const state = await deps.store.get(renderId);
  if (!state) throw new UnrecoverableError(`stitch: render ${renderId} has no record`);
  if (isEndStatus(state.status)) {
    // Cancelled (its pending segments removed, so this parent was released) or already done by
    // an earlier attempt: write nothing, and make sure the end was announced.
    deps.logger.info({ renderId, status: state.status }, 'render already ended; not stitching');
    await deps.renderEnded(renderId, state.status);
    return { ended: state.status };
  }
  const { spec } = state;
  await deps.store.markStitching(renderId);
  try {
    const outline = await deps.store.outline(renderId);
    if (!outline) throw new UnrecoverableError(`stitch: render ${renderId} has no outline`);
    const results = orderedResults(await job.getChildrenValues(), spec.segmentCount);
    const storage = deps.storages.get(spec.output);
    const audioKey = `${renderId}/audio.${spec.audio.format}`;
    const started = Date.now();
    const heal = { job, token, spec, results, storage, deps: { ...deps.heal, logger: deps.logger } };
    const stitched = await stitchOrHeal(heal, () =>
      stitch({
        storage,
        segmentKeys: results.map((r) => r.key),
        audio: spec.audio,
        outputKey: audioKey,
        ...(spec.title === undefined ? {} : { title: spec.title }),
        chapters: outline.chapters.map((c) => ({ title: c.title, firstSegment: c.firstSegment })),
        ...pausesOf(outline),
      }),
    );
    await deps.metrics.stitched(Date.now() - started);
    const manifest = buildManifest(spec, outline, results, stitched, audioKey);
    const manifestKey = `${renderId}/manifest.json`;
    await storage.put(manifestKey, bytesBody(`${JSON.stringify(manifest, null, 2)}\n`), { contentType: 'application/json' });
    const location = `${storage.url}/${audioKey}`;
    const completed = await deps.store.markCompleted(renderId, {
      location,
      manifest: `${storage.url}/${manifestKey}`,
      durationMs: manifest.durationMs,
      bytes: manifest.bytes,
      billedCharacters: manifest.billedCharacters,
    });
    if (!completed) {
      const ended = (await deps.store.get(renderId))?.status ?? 'cancelled';
      // Cancelled while stitching: a cancelled render leaves no result behind. (Any other end
      // was reached by another run of this job, whose result this is: it stays.)
      if (ended === 'cancelled') await Promise.allSettled([storage.delete(audioKey), storage.delete(manifestKey)]);
      deps.logger.info({ renderId, status: ended }, 'render ended while stitching');
      return { ended };
    }
    await deps.renderEnded(renderId, 'completed');
    deps.logger.info(
      { renderId, segments: results.length, durationMs: manifest.durationMs, stitchMs: Date.now() - started },
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
