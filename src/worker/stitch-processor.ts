import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { buildManifest } from '../render/manifest.ts';
import { segmentResultSchema, type SegmentResult } from '../render/render-record.ts';
import type { RenderStore } from '../render/render-store.ts';
import { stitch } from '../stitcher/stitch.ts';
import { bytesBody } from '../util/bytes-body.ts';
import { classifyFailure } from './classify-failure.ts';
import { stitchJobDataSchema } from './job-data.ts';
import type { StoragePool } from './storage-pool.ts';

export interface StitchDeps {
  storages: StoragePool;
  store: RenderStore;
  logger: Logger;
}

/** The children's results, in spoken order, checked against the plan. */
function orderedResults(values: Record<string, unknown>, expected: number): SegmentResult[] {
  const results = Object.values(values).map((value) => segmentResultSchema.parse(value));
  results.sort((a, b) => a.index - b.index);
  if (results.length !== expected || results.some((r, position) => r.index !== position)) {
    throw new UnrecoverableError(`stitch: expected ${expected} segment results, got indexes ${results.map((r) => r.index).join(',')}`);
  }
  return results;
}

/** Runs when every segment of a render is done: joins them and writes audio + manifest. */
export async function processStitch(job: Job, deps: StitchDeps): Promise<{ location: string; durationMs: number }> {
  const { renderId } = stitchJobDataSchema.parse(job.data);
  const state = await deps.store.get(renderId);
  if (!state) throw new UnrecoverableError(`stitch: render ${renderId} has no record`);
  const { spec } = state;
  await deps.store.markStitching(renderId);
  try {
    const results = orderedResults(await job.getChildrenValues(), spec.segments.length);
    const storage = deps.storages.get(spec.output);
    const audioKey = `${renderId}/audio.${spec.audio.format}`;
    const started = Date.now();
    const stitched = await stitch({
      storage,
      segmentKeys: results.map((r) => r.key),
      audio: spec.audio,
      outputKey: audioKey,
      ...(spec.title === undefined ? {} : { title: spec.title }),
      chapters: spec.chapters.map((c) => ({ title: c.title, firstSegment: c.firstSegment })),
    });
    const manifest = buildManifest(spec, results, stitched, audioKey);
    const manifestKey = `${renderId}/manifest.json`;
    await storage.put(manifestKey, bytesBody(`${JSON.stringify(manifest, null, 2)}\n`), { contentType: 'application/json' });
    const location = `${storage.url}/${audioKey}`;
    await deps.store.markCompleted(renderId, {
      location,
      manifest: `${storage.url}/${manifestKey}`,
      durationMs: manifest.durationMs,
      bytes: manifest.bytes,
      billedCharacters: manifest.billedCharacters,
    });
    deps.logger.info({ renderId, segments: results.length, durationMs: manifest.durationMs, stitchMs: Date.now() - started }, 'render completed');
    return { location, durationMs: manifest.durationMs };
  } catch (error) {
    const failure = classifyFailure(error, 0);
    const final = failure.action === 'fail' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final) {
      await deps.store.markFailed(renderId, `stitch: ${failure.reason}`);
      if (!(error instanceof UnrecoverableError) && failure.action === 'fail') throw new UnrecoverableError(failure.reason);
    }
    deps.logger.warn({ renderId, reason: failure.reason, final }, 'stitch failed');
    throw error;
  }
}
