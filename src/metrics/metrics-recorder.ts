import type { SegmentQa } from '../verify/qa-record.ts';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { renderKeys } from '../render/render-keys.ts';
import {
  COUNTERS,
  HISTOGRAMS,
  type CounterName,
  type HistogramName,
  type RenderEndStatus,
  type SentenceTimingOutcome,
} from './metric-definitions.ts';
import { counterField, metricKeys } from './metric-keys.ts';

/** What the worker processors report; one call per event. Recording never throws. */
export interface MetricsRecorder {
  segmentSynthesized(provider: string, billedCharacters: number, latencyMs: number): Promise<void>;
  segmentCached(provider: string): Promise<void>;
  segmentFailed(provider: string): Promise<void>;
  rateLimited(provider: string): Promise<void>;
  retryScheduled(provider: string): Promise<void>;
  stitched(durationMs: number): Promise<void>;
  /** A take failed its checks and another is asked for (issue 15). */
  retakeRequested(provider: string): Promise<void>;
  /** A segment settled by its checks: its takes, whether it was flagged, and each failed check of every take. */
  segmentVerified(provider: string, qa: SegmentQa): Promise<void>;
  /** Segments a delivery placed sentences in, by how (0 aligned on a re-render of an unchanged book). */
  sentenceTimings(counts: Record<SentenceTimingOutcome, number>): Promise<void>;
  /** Counts a render's end once, however many callers (retries, several workers) report it. */
  renderEnded(renderId: string, status: RenderEndStatus): Promise<void>;
}

/**
 * HSETNX on the render's own record makes the count exactly-once: the flag goes when the
 * record goes. -1: no such render (nothing counted); 0: counted before; 1: counted now.
 */
const COUNT_RENDER_END = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HSETNX', KEYS[1], 'metricsEndCounted', ARGV[2]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return 1`;

/** The smallest bucket bound the value fits under, or +Inf. */
function bucketOf(buckets: readonly number[], value: number): string {
  const bound = buckets.find((upper) => value <= upper);
  return bound === undefined ? '+Inf' : String(bound);
}

/** Records metrics in Redis with HINCRBY/HINCRBYFLOAT: atomic, cheap, shared by every process. */
export class RedisMetricsRecorder implements MetricsRecorder {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #keys: ReturnType<typeof metricKeys>;
  readonly #logger: Logger | undefined;

  constructor(redis: Redis, prefix: string, logger?: Logger) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#keys = metricKeys(prefix);
    this.#logger = logger;
  }

  segmentSynthesized(provider: string, billedCharacters: number, latencyMs: number): Promise<void> {
    return this.#write('segment synthesized', (multi) => {
      this.#count(multi, 'segmentsSynthesized', provider, 1);
      if (billedCharacters > 0) this.#count(multi, 'charactersBilled', provider, Math.round(billedCharacters));
      this.#observe(multi, 'providerLatency', provider, latencyMs / 1000);
    });
  }

  segmentCached(provider: string): Promise<void> {
    return this.#write('segment cached', (multi) => this.#count(multi, 'segmentsCached', provider, 1));
  }

  segmentFailed(provider: string): Promise<void> {
    return this.#write('segment failed', (multi) => this.#count(multi, 'segmentsFailed', provider, 1));
  }

  rateLimited(provider: string): Promise<void> {
    return this.#write('rate limited', (multi) => this.#count(multi, 'rateLimited', provider, 1));
  }

  retryScheduled(provider: string): Promise<void> {
    return this.#write('retry scheduled', (multi) => this.#count(multi, 'retries', provider, 1));
  }

  retakeRequested(provider: string): Promise<void> {
    return this.#write('retake requested', (multi) => this.#count(multi, 'retakes', provider, 1));
  }

  segmentVerified(provider: string, qa: SegmentQa): Promise<void> {
    return this.#write('segment verified', (multi) => {
      if (qa.takes > 0) this.#count(multi, 'takesChecked', provider, qa.takes);
      if (qa.flagged) this.#count(multi, 'segmentsFlagged', provider, 1);
      const failures = new Map<string, number>();
      for (const take of qa.failedTakes ?? []) for (const check of take.failed) failures.set(check, (failures.get(check) ?? 0) + 1);
      for (const [check, count] of failures) this.#count(multi, 'takeCheckFailures', check, count);
    });
  }

  stitched(durationMs: number): Promise<void> {
    return this.#write('stitched', (multi) => this.#observe(multi, 'stitchDuration', '', durationMs / 1000));
  }

  sentenceTimings(counts: Record<SentenceTimingOutcome, number>): Promise<void> {
    return this.#write('sentence timings', (multi) => {
      for (const [outcome, segments] of Object.entries(counts)) if (segments > 0) this.#count(multi, 'sentenceTimings', outcome, segments);
    });
  }

  async renderEnded(renderId: string, status: RenderEndStatus): Promise<void> {
    try {
      await this.#redis.eval(
        COUNT_RENDER_END,
        2,
        renderKeys(this.#prefix, renderId).record,
        this.#keys.counters,
        counterField(COUNTERS.rendersEnded.name, status),
        status,
      );
    } catch (error) {
      this.#failed('render ended', error);
    }
  }

  #count(multi: ChainableCommander, counter: CounterName, labelValue: string, by: number): void {
    multi.hincrby(this.#keys.counters, counterField(COUNTERS[counter].name, labelValue), by);
  }

  #observe(multi: ChainableCommander, histogram: HistogramName, labelValue: string, seconds: number): void {
    const { name, buckets } = HISTOGRAMS[histogram];
    const key = this.#keys.histogram(name);
    multi
      .hincrby(key, `${labelValue}|le|${bucketOf(buckets, seconds)}`, 1)
      .hincrbyfloat(key, `${labelValue}|sum`, seconds)
      .hincrby(key, `${labelValue}|count`, 1);
  }

  async #write(what: string, build: (multi: ChainableCommander) => void): Promise<void> {
    try {
      const multi = this.#redis.multi();
      build(multi);
      await multi.exec();
    } catch (error) {
      this.#failed(what, error);
    }
  }

  /** A lost count must never fail (and so retry, and maybe re-bill) the job that made it. */
  #failed(what: string, error: unknown): void {
    this.#logger?.warn({ err: error instanceof Error ? error.message : String(error), metric: what }, 'could not record a metric');
  }
}
