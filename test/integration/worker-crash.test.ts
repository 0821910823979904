import { Job, Queue, QueueEvents } from 'bullmq';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { STITCH_QUEUE } from '../../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

describe('worker process lifecycle', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('leaves its segments to another worker, and the render completes with every segment in order', async () => {
    const API_KEY = 'crash-test-key';
    // Requests 2 and 3 stream a little and then stall, so the first worker is certainly
    // mid-segment when it dies, whatever the machine's load; the retries stream normally.
    const simulator = await startSenseAudioSimulator({
      apiKey: API_KEY,
      msPerChar: 2,
      chunkHexChars: 2048,
      faults: (n) => (n === 2 || n === 3 ? { kind: 'stallStream', afterEvents: 1 } : undefined),
    });
    cleanup.push(() => simulator.close());
    const config = testConfig({ SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url });
    cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const out = await mkdtemp(join(tmpdir(), 'ttsb-crash-'));
    const env = {
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '2',
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_CHECK_MS: '1000',
      RETRY_BACKOFF_MS: '50',
    };
    const workers: WorkerProcess[] = [];
    cleanup.push(() => Promise.resolve(workers.forEach((w) => w.child.kill('SIGKILL'))));
    const first = spawnWorker(env);
    workers.push(first);
    await first.ready;

    const connection = createRedisConnection(config.REDIS_URL, 'producer');
    cleanup.push(() => connection.quit());
    await connectProducer(connection, config.REDIS_URL);
    const store = new RenderStore(connection, config.QUEUE_PREFIX);
    const events = new QueueEvents(STITCH_QUEUE, { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    cleanup.push(() => events.close());
    await events.waitUntilReady();
    const plan = planRender(makeSampleBook(24_000, 3), senseAudioDefinition.limits);
    const options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    await enqueueRender(
      { connection, prefix: config.QUEUE_PREFIX, store, retry: { attempts: 8, backoffMs: 50 } },
      { id: 'crash-book', plan, provider: senseAudioDefinition, options, output: describeLocation(out) },
    );

    // Kill once the first segment is done and the next ones are mid-stream.
    await simulator.whenFinished(1);
    const inFlight = await simulator.whenRequest(3);
    expect(inFlight.outcome, 'request 3 should still be streaming at the kill').toBeUndefined();
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const requestsAtKill = simulator.requests.length;

    const second = spawnWorker(env);
    workers.push(second);
    await second.ready;
    const stitchQueue = new Queue(STITCH_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
    cleanup.push(() => stitchQueue.close());
    const job = await Job.fromId(stitchQueue, 'crash-book');
    await job!.waitUntilFinished(events, 120_000);

    const manifest = JSON.parse(await readFile(join(out, 'crash-book', 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.segments).toHaveLength(plan.segments.length);
    const outline = await store.outline('crash-book');
    const expected = await mp3FrameDigest(outline!.segments.map((s) => join(out, s.key)));
    const actual = await mp3FrameDigest([join(out, 'crash-book', 'audio.mp3')]);
    expect(actual.sha256, 'stitched frames must be the segments in order').toBe(expected.sha256);

    // Every segment's text completed; re-sent only what was in flight at the kill.
    const completedTexts = new Set(simulator.requests.filter((r) => r.outcome === 'completed').map((r) => r.text));
    expect(completedTexts.size).toBe(plan.segments.length);
    expect(simulator.requests.length).toBeLessThanOrEqual(plan.segments.length + 2);
    expect(requestsAtKill).toBeGreaterThanOrEqual(3);
  });

  it('on SIGTERM finishes the segments it is speaking, then exits 0', async () => {
    const API_KEY = 'term-test-key';
    const simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 2, chunkHexChars: 2048, eventIntervalMs: 20 });
    cleanup.push(() => simulator.close());
    const config = testConfig({ SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url });
    cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const out = await mkdtemp(join(tmpdir(), 'ttsb-term-'));
    const worker = spawnWorker({
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '2',
    });
    cleanup.push(() => Promise.resolve(worker.child.kill('SIGKILL')));
    await worker.ready;
    const connection = createRedisConnection(config.REDIS_URL, 'producer');
    cleanup.push(() => connection.quit());
    await connectProducer(connection, config.REDIS_URL);
    const store = new RenderStore(connection, config.QUEUE_PREFIX);
    const plan = planRender(makeSampleBook(24_000, 4), senseAudioDefinition.limits);
    const options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    await enqueueRender(
      { connection, prefix: config.QUEUE_PREFIX, store, retry: { attempts: 3, backoffMs: 50 } },
      { id: 'term-book', plan, provider: senseAudioDefinition, options, output: describeLocation(out) },
    );
    const inFlight = await simulator.whenRequest(1);
    worker.child.kill('SIGTERM');
    expect(await worker.exited, worker.stderr()).toBe(0);
    const finished = await simulator.whenFinished(inFlight.number);
    expect(finished.outcome, 'the in-flight segment must be finished, not abandoned').toBe('completed');
    const state = await store.get('term-book');
    expect(state?.segmentsDone).toBeGreaterThanOrEqual(1);
    expect(state?.segmentsDone, 'no new segment may start after SIGTERM').toBeLessThan(plan.segments.length);
    expect(worker.stderr()).toContain('shutting down');
  });
});
