import type { SegmentQa } from '../verify/qa-record.ts';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LuaScript } from '../render/lua-script.ts';
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

/**
 * One event's increments, atomic as a MULTI was but one command: a segment's metrics cost one
 * EVAL instead of MULTI, five HINCRBYs and EXEC (issue 14 item 6). ARGV: groups of four (index of
 * the hash in KEYS, field, increment, 'f' for HINCRBYFLOAT else HINCRBY).
 */
const INCREMENT = new LuaScript(`
for i = 1, #ARGV, 4 do
  local key = KEYS[tonumber(ARGV[i])]
  if ARGV[i + 3] == 'f' then redis.call('HINCRBYFLOAT', key, ARGV[i + 1], ARGV[i + 2])
  else redis.call('HINCRBY', key, ARGV[i + 1], ARGV[i + 2]) end
end
return 1`);

/** The increments of one event, gathered before they are sent. */
class Increments {
  readonly keys: string[] = [];
  readonly args: string[] = [];

  add(key: string, field: string, by: number, float = false): this {
    let index = this.keys.indexOf(key);
    if (index < 0) index = this.keys.push(key) - 1;
    this.args.push(String(index + 1), field, String(by), float ? 'f' : 'i');
    return this;
  }
}

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

  #count(multi: Increments, counter: CounterName, labelValue: string, by: number): void {
    multi.add(this.#keys.counters, counterField(COUNTERS[counter].name, labelValue), by);
  }

  #observe(multi: Increments, histogram: HistogramName, labelValue: string, seconds: number): void {
    const { name, buckets } = HISTOGRAMS[histogram];
    const key = this.#keys.histogram(name);
    multi
      .add(key, `${labelValue}|le|${bucketOf(buckets, seconds)}`, 1)
      .add(key, `${labelValue}|sum`, seconds, true)
      .add(key, `${labelValue}|count`, 1);
  }

  async #write(what: string, build: (multi: Increments) => void): Promise<void> {
    try {
      const increments = new Increments();
      build(increments);
      if (increments.args.length === 0) return;
      await INCREMENT.run(this.#redis, increments.keys, increments.args);
    } catch (error) {
      this.#failed(what, error);
    }
  }

  /** A lost count must never fail (and so retry, and maybe re-bill) the job that made it. */
  #failed(what: string, error: unknown): void {
    this.#logger?.warn({ err: error instanceof Error ? error.message : String(error), metric: what }, 'could not record a metric');
  }
}
