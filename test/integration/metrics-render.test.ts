import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMetrics, METRICS_CONTENT_TYPE } from '../../src/metrics/render-metrics.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import { cancelRender } from '../../src/producer/cancel-render.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { parsePrometheusText, sampleValue, type Family } from './metrics-prometheus-parser.ts';

const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;
const P = { provider: 'senseaudio' };

/** Buckets never decrease, and +Inf equals _count: what any Prometheus histogram must satisfy. */
function expectWellFormedHistogram(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string>,
): { count: number; sum: number } {
  const family = families.get(name);
  expect(family?.type, `${name} must be declared a histogram`).toBe('histogram');
  const buckets = family!.samples.filter((s) => s.name === `${name}_bucket` && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(buckets.length, `${name} has buckets`).toBeGreaterThan(2);
  const bounds = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
  expect(bounds, 'bucket bounds ascend and end at +Inf').toEqual([...bounds].sort((a, b) => a - b));
  expect(bounds.at(-1)).toBe(Infinity);
  const counts = buckets.map((b) => b.value);
  for (let i = 1; i < counts.length; i++)
    expect(counts[i], `${name} bucket ${bounds[i]} is cumulative`).toBeGreaterThanOrEqual(counts[i - 1]!);
  const count = sampleValue(families, `${name}_count`, labels);
  expect(counts.at(-1), '+Inf bucket equals the count').toBe(count);
  return { count, sum: sampleValue(families, `${name}_sum`, labels) };
}

describe('metrics', () => {
  const API_KEY = 'metrics-sim-key-77a0';
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;
  let idle: RenderEnv;
  let redis: Redis;
  let idleRedis: Redis;

  beforeAll(async () => {
    // One rate limit and one server error, then clean answers: every counter has something to count.
    simulator = await startSenseAudioSimulator({
      apiKey: API_KEY,
      msPerChar: 2,
      faults: [{ kind: 'http429' }, { kind: 'http5xx', status: 503 }],
    });
    const vars = { SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url, WORKER_CONCURRENCY: '1' };
    env = await startRenderEnv(senseAudioDefinition, vars);
    idle = await startRenderEnv(senseAudioDefinition, vars, { startWorkers: false });
    redis = createRedisConnection(env.config.REDIS_URL, 'producer');
    await connectProducer(redis, env.config.REDIS_URL);
    idleRedis = createRedisConnection(idle.config.REDIS_URL, 'producer');
    await connectProducer(idleRedis, idle.config.REDIS_URL);
  });

  afterAll(async () => {
    await redis?.quit();
    await idleRedis?.quit();
    await env?.close();
    await idle?.close();
    await simulator?.close();
  });

  it('serves Prometheus text whose counters and histograms move as renders run', async () => {
    expect(METRICS_CONTENT_TYPE).toMatch(/^text\/plain; version=0\.0\.4/);
    const before = parsePrometheusText(await renderMetrics(redis, env.config.QUEUE_PREFIX, ['senseaudio']));
    expect(sampleValue(before, 'ttsb_segments_synthesized_total', P), 'known providers show at zero').toBe(0);
    expect(sampleValue(before, 'ttsb_renders_ended_total', { status: 'completed' })).toBe(0);
    expect(sampleValue(before, 'ttsb_workers'), 'the in-process workers beat').toBe(1);

    const { plan, options } = env.plan(makeSampleBook(7_000, 21), AUDIO);
    expect(plan.segments.length).toBeGreaterThan(1);
    await env.enqueue('metrics-one', plan, options);
    const manifest = await env.finish('metrics-one');

    const text = await renderMetrics(redis, env.config.QUEUE_PREFIX, ['senseaudio']);
    const after = parsePrometheusText(text);
    for (const name of ['ttsb_segments_synthesized_total', 'ttsb_renders_ended_total', 'ttsb_provider_rate_limited_total']) {
      expect(after.get(name)?.type, `${name} is a counter`).toBe('counter');
      expect(after.get(name)?.help, `${name} has help`).not.toBe('');
    }
    const segments = plan.segments.length;
    expect(sampleValue(after, 'ttsb_segments_synthesized_total', P)).toBe(segments);
    expect(sampleValue(after, 'ttsb_segments_cached_total', P)).toBe(0);
    expect(sampleValue(after, 'ttsb_segments_failed_total', P)).toBe(0);
    expect(sampleValue(after, 'ttsb_characters_billed_total', P)).toBe(manifest.billedCharacters);
    expect(sampleValue(after, 'ttsb_provider_rate_limited_total', P), 'the injected 429').toBe(1);
    expect(sampleValue(after, 'ttsb_segment_retries_total', P), 'the injected 503').toBe(1);
    expect(sampleValue(after, 'ttsb_renders_ended_total', { status: 'completed' })).toBe(1);
    expect(sampleValue(after, 'ttsb_renders_ended_total', { status: 'failed' })).toBe(0);

    const latency = expectWellFormedHistogram(after, 'ttsb_provider_latency_seconds', P);
    expect(latency.count, 'one latency per synthesized segment').toBe(segments);
    expect(latency.sum).toBeGreaterThan(0);
    expect(expectWellFormedHistogram(after, 'ttsb_stitch_duration_seconds', {}).count).toBe(1);

    for (const queue of ['synthesize-senseaudio', 'stitch', 'webhooks']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(sampleValue(after, 'ttsb_queue_jobs', { queue, state }), `${queue} ${state} after the render`).toBe(0);
      }
      expect(sampleValue(after, 'ttsb_queue_oldest_waiting_seconds', { queue })).toBe(0);
    }

    // The same book again: every segment from the cache, nothing synthesized or billed.
    await env.enqueue('metrics-two', plan, options);
    await env.finish('metrics-two');
    const again = parsePrometheusText(await renderMetrics(redis, env.config.QUEUE_PREFIX, ['senseaudio']));
    expect(sampleValue(again, 'ttsb_segments_cached_total', P)).toBe(segments);
    expect(sampleValue(again, 'ttsb_segments_synthesized_total', P)).toBe(segments);
    expect(sampleValue(again, 'ttsb_characters_billed_total', P)).toBe(manifest.billedCharacters);
    expect(sampleValue(again, 'ttsb_renders_ended_total', { status: 'completed' })).toBe(2);
    expect(expectWellFormedHistogram(again, 'ttsb_stitch_duration_seconds', {}).count).toBe(2);
  });

  it('shows queue depth and the oldest waiting job, and counts a cancel once', async () => {
    const { plan, options } = idle.plan(makeSampleBook(9_000, 22), AUDIO);
    const enqueuedFrom = Date.now();
    await idle.enqueue('metrics-queued', plan, options);
    const queued = parsePrometheusText(await renderMetrics(idleRedis, idle.config.QUEUE_PREFIX, ['senseaudio']));
    const readAt = Date.now();
    // Segment jobs carry fair-share priorities (src/queue/fair-priority.ts): BullMQ keeps them as prioritized.
    expect(sampleValue(queued, 'ttsb_queue_jobs', { queue: 'synthesize-senseaudio', state: 'prioritized' })).toBe(plan.segments.length);
    expect(sampleValue(queued, 'ttsb_queue_jobs', { queue: 'synthesize-senseaudio', state: 'waiting' })).toBe(0);
    expect(sampleValue(queued, 'ttsb_queue_jobs', { queue: 'stitch', state: 'waiting-children' })).toBe(1);
    const oldest = sampleValue(queued, 'ttsb_queue_oldest_waiting_seconds', { queue: 'synthesize-senseaudio' });
    expect(oldest, 'the age of a job created since enqueuedFrom').toBeGreaterThanOrEqual(0);
    expect(oldest).toBeLessThanOrEqual((readAt - enqueuedFrom) / 1000);
    expect(sampleValue(queued, 'ttsb_workers'), 'no worker runs for this prefix').toBe(0);

    const deps = { connection: idleRedis, prefix: idle.config.QUEUE_PREFIX, store: idle.store };
    expect(await cancelRender(deps, 'metrics-queued')).toBe('cancelled');
    expect(await cancelRender(deps, 'metrics-queued')).toBe('cancelled');
    const cancelled = parsePrometheusText(await renderMetrics(idleRedis, idle.config.QUEUE_PREFIX, ['senseaudio']));
    expect(sampleValue(cancelled, 'ttsb_renders_ended_total', { status: 'cancelled' }), 'two cancels, one render').toBe(1);
    expect(sampleValue(cancelled, 'ttsb_queue_jobs', { queue: 'synthesize-senseaudio', state: 'waiting' })).toBe(0);
    expect(sampleValue(cancelled, 'ttsb_queue_jobs', { queue: 'synthesize-senseaudio', state: 'prioritized' })).toBe(0);
  });

  it('the test parser is strict: it refuses what Prometheus would refuse', () => {
    expect(() => parsePrometheusText('ttsb_x 1\n')).toThrow(/undeclared family/);
    expect(() => parsePrometheusText('# TYPE ttsb_x counter\nttsb_x{a="1} 1\n')).toThrow(/unterminated/);
    expect(() => parsePrometheusText('# TYPE ttsb_x counter\nttsb_x{a="1"} one\n')).toThrow(/bad sample value/);
    expect(() => parsePrometheusText('# TYPE ttsb_x counter\nttsb_x 1\nttsb_x 2\n')).toThrow(/series twice/);
    expect(() => parsePrometheusText('# TYPE ttsb_x counter\nttsb_x 1')).toThrow(/newline/);
  });
});
