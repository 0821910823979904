import { Job, Queue, QueueEvents } from 'bullmq';
import { readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/app-config.ts';
import { enqueueRender, type EnqueueDeps } from '../../src/producer/enqueue-render.ts';
import { planRender, type RenderPlan } from '../../src/producer/plan.ts';
import { resolveRenderOptions, type RenderOptions } from '../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { STITCH_QUEUE } from '../../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { startWorkers, type WorkerRuntime } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { ffmpegDecode, ffprobeDurationSeconds, requireFfmpeg } from '../support/ffmpeg.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';

/**
 * The spine, end to end: a 60,000-character mixed Chinese/English book with chapters, through
 * the real flow on real Redis, against the SenseAudio simulator with a quarter of its requests
 * faulted. Then the same book again, which must not reach the provider at all.
 */
describe('render pipeline (SenseAudio simulator, 25% faults)', () => {
  const API_KEY = 'sim-secret-key-7f3a';
  let simulator: SenseAudioSimulator;
  let config: AppConfig;
  let runtime: WorkerRuntime;
  let out: string;
  let deps: EnqueueDeps;
  let queueEvents: QueueEvents;
  let stitchQueue: Queue;
  let plan: RenderPlan;
  let options: RenderOptions;
  const producer: { connection?: ReturnType<typeof createRedisConnection> } = {};

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 3, faultRate: 0.25, seed: 20261121 });
    config = testConfig({
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '6',
      RETRY_ATTEMPTS: '12',
    });
    out = await mkdtemp(join(tmpdir(), 'ttsb-render-'));
    runtime = await startWorkers({ config, logger: pino({ level: 'silent' }), providers: ['senseaudio'] });
    const connection = createRedisConnection(config.REDIS_URL, 'producer');
    producer.connection = connection;
    await connectProducer(connection, config.REDIS_URL);
    deps = { connection, prefix: config.QUEUE_PREFIX, store: new RenderStore(connection, config.QUEUE_PREFIX), retry: { attempts: config.RETRY_ATTEMPTS, backoffMs: config.RETRY_BACKOFF_MS } };
    queueEvents = new QueueEvents(STITCH_QUEUE, { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    stitchQueue = new Queue(STITCH_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
    await queueEvents.waitUntilReady();
    plan = planRender(makeSampleBook(60_000, 7), senseAudioDefinition.limits);
    options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
  });

  afterAll(async () => {
    await runtime?.close(5000);
    await queueEvents?.close();
    await stitchQueue?.close();
    await producer.connection?.quit();
    await simulator?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  });

  async function renderAndWait(id: string): Promise<Manifest> {
    await enqueueRender(deps, { id, plan, provider: senseAudioDefinition, options, output: describeLocation(out) });
    const job = await Job.fromId(stitchQueue, id);
    if (!job) throw new Error(`stitch job ${id} was not enqueued`);
    await job.waitUntilFinished(queueEvents, 240_000);
    return JSON.parse(await readFile(join(out, id, 'manifest.json'), 'utf8')) as Manifest;
  }

  it('produces one clean mp3 with every segment spoken once, in order', async () => {
    const manifest = await renderAndWait('book-one');
    expect(plan.characters).toBeGreaterThanOrEqual(55_000);
    expect(plan.chapters.length).toBeGreaterThan(3);
    expect(manifest.segments).toHaveLength(plan.segments.length);
    expect(manifest.chapters.map((c) => c.title)).toEqual(plan.chapters.map((c) => c.title));

    // Faults really happened, and every segment was completed exactly once by the provider.
    const faulted = simulator.requests.filter((r) => r.outcome === 'faulted').length;
    expect(faulted, 'the simulator should have faulted some requests').toBeGreaterThan(0);
    const completed = simulator.requests.filter((r) => r.outcome === 'completed');
    const sentTexts = completed.map((r) => r.text ?? '');
    expect(completed.length, 'each segment completed once (no duplicate billing)').toBe(plan.segments.length);
    expect(new Set(sentTexts).size).toBe(plan.segments.length);

    // Order: the stitched frames are exactly the segments' frames, in plan order.
    const state = await deps.store.get('book-one');
    const keys = state?.spec.segments.map((s) => join(out, s.key)) ?? [];
    const expected = await mp3FrameDigest(keys);
    const audioPath = join(out, 'book-one', 'audio.mp3');
    const actual = await mp3FrameDigest([audioPath]);
    expect(actual.frames).toBe(expected.frames);
    expect(actual.sha256).toBe(expected.sha256);

    // Frames are clean and the header duration agrees with the counted one.
    const decoded = await ffmpegDecode(audioPath);
    expect(decoded.errors, 'ffmpeg full decode must print nothing').toBe('');
    const probed = await ffprobeDurationSeconds(audioPath);
    expect(Math.abs(probed * 1000 - manifest.durationMs)).toBeLessThan(100);
    const sumOfSegments = manifest.segments.reduce((sum, s) => sum + s.durationMs, 0);
    expect(Math.abs(sumOfSegments - manifest.durationMs)).toBeLessThan(1);
    for (let i = 1; i < manifest.segments.length; i++) {
      const previous = manifest.segments[i - 1]!;
      expect(manifest.segments[i]!.startMs).toBeCloseTo(previous.startMs + previous.durationMs, 2);
    }
    expect(manifest.billedCharacters).toBe(completed.reduce((sum, r) => sum + (r.usageCharacters ?? 0), 0));
    expect(manifest.segments.every((s) => s.cached === false && typeof s.traceId === 'string')).toBe(true);
  });

  it('renders the same book again without sending a single request', async () => {
    const before = simulator.requests.length;
    const manifest = await renderAndWait('book-two');
    expect(simulator.requests.length, 'no request may reach the provider').toBe(before);
    expect(manifest.cachedSegments).toBe(plan.segments.length);
    expect(manifest.billedCharacters).toBe(0);
    const first = await mp3FrameDigest([join(out, 'book-one', 'audio.mp3')]);
    const second = await mp3FrameDigest([join(out, 'book-two', 'audio.mp3')]);
    expect(second.sha256).toBe(first.sha256);
  });

  it('refuses a render id that is already taken', async () => {
    await expect(enqueueRender(deps, { id: 'book-one', plan, provider: senseAudioDefinition, options, output: describeLocation(out) })).rejects.toThrow(
      /id: a render with id "book-one" already exists/,
    );
  });
});
