import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import { CONTENT_TYPES } from '../audio/audio-settings.ts';
import { segmentMetaKey } from '../producer/segment-key.ts';
import type { Provider, SynthesisMeta } from '../providers/provider.ts';
import type { SegmentResult } from '../render/render-record.ts';
import type { Storage } from '../storage/storage.ts';
import type { RenderStore } from '../render/render-store.ts';
import { bytesBody } from '../util/bytes-body.ts';
import { withResult } from '../util/generator-result.ts';
import { classifyFailure } from './classify-failure.ts';
import { synthesizeJobDataSchema, type SynthesizeJobData } from './job-data.ts';
import type { StoragePool } from './storage-pool.ts';

export interface SynthesizeDeps {
  provider: Provider;
  /** The provider's queue, used to pause the whole queue on a rate limit. */
  queue: Queue;
  storages: StoragePool;
  store: RenderStore;
  logger: Logger;
  /** Wait used on a rate limit that gave no Retry-After. */
  defaultRateLimitMs: number;
}

/** Provider meta saved beside a cached segment (its trace id); {} when absent or unreadable. */
async function readSegmentMeta(storage: Storage, key: string): Promise<SynthesisMeta> {
  if (!(await storage.head(key))) return {};
  const chunks: Uint8Array[] = [];
  for await (const chunk of storage.get(key)) chunks.push(chunk);
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    return typeof parsed.traceId === 'string' ? { traceId: parsed.traceId } : {};
  } catch {
    return {};
  }
}

/**
 * Speaks one segment into storage under its content-addressed key. When the key already
 * exists the provider is not called at all: retries, crashes and re-renders bill nothing twice.
 */
export async function processSynthesize(job: Job, deps: SynthesizeDeps): Promise<SegmentResult> {
  const parsed = synthesizeJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid synthesize job data: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  const data: SynthesizeJobData = parsed.data;
  const storage = deps.storages.get(data.output);
  await deps.store.markRunning(data.renderId);

  const existing = await storage.head(data.key);
  if (existing) {
    const meta = await readSegmentMeta(storage, segmentMetaKey(data.key));
    await deps.store.markSegmentDone(data.renderId, data.index, true);
    return { index: data.index, key: data.key, cached: true, bytes: existing.size, ...(meta.traceId ? { traceId: meta.traceId } : {}) };
  }

  const started = Date.now();
  try {
    const stream = withResult(
      deps.provider.synthesize({ text: data.text, voice: data.voice, model: data.model, audio: data.audio, voiceSettings: data.voiceSettings }),
    );
    const info = await storage.put(data.key, stream.items, { contentType: CONTENT_TYPES[data.audio.format] });
    const meta = stream.result();
    await storage.put(segmentMetaKey(data.key), bytesBody(JSON.stringify({ ...meta, provider: data.provider, createdAt: new Date().toISOString() })), {
      contentType: 'application/json',
    });
    await deps.store.markSegmentDone(data.renderId, data.index, false);
    deps.logger.debug({ renderId: data.renderId, index: data.index, bytes: info.size, ms: Date.now() - started }, 'segment synthesized');
    return {
      index: data.index,
      key: data.key,
      cached: false,
      bytes: info.size,
      ...(meta.billedCharacters === undefined ? {} : { billedCharacters: meta.billedCharacters }),
      ...(meta.traceId === undefined ? {} : { traceId: meta.traceId }),
    };
  } catch (error) {
    const failure = classifyFailure(error, deps.defaultRateLimitMs);
    const where = { renderId: data.renderId, index: data.index, attempt: job.attemptsMade + 1 };
    if (failure.action === 'rate-limit') {
      // Flow control, not a failure: the whole provider queue waits, and no attempt is spent.
      deps.logger.info({ ...where, waitMs: failure.waitMs }, 'provider rate limit; pausing the queue');
      await deps.queue.rateLimit(failure.waitMs);
      throw Worker.RateLimitError();
    }
    const final = failure.action === 'fail' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final) {
      deps.logger.error({ ...where, reason: failure.reason }, 'segment failed for good');
      await deps.store.markFailed(data.renderId, `segment ${data.index}: ${failure.reason}`);
      if (failure.action === 'fail') throw new UnrecoverableError(failure.reason);
    } else {
      deps.logger.warn({ ...where, reason: failure.reason }, 'segment failed; will retry');
    }
    throw error;
  }
}
