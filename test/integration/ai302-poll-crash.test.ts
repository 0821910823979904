import { Job, Queue, QueueEvents } from 'bullmq';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { ai302Definition } from '../../src/providers/ai302/definition.ts';
import { STITCH_QUEUE } from '../../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { startAi302Simulator, type Ai302Simulator } from '../simulators/ai302/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';
import { startRenderEnv } from '../support/render-env.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

const API_KEY = 'ai302-durability-key-77ab';
const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;

function simulatorEnv(simulator: Ai302Simulator): Record<string, string> {
  return {
    AI302_API_KEY: API_KEY,
    AI302_BASE_URL: simulator.url,
    AI302_CLONE_PATH: simulator.clonePath,
    AI302_GENERATE_PATH: simulator.generatePath,
    AI302_CLONE_QUERY_PATH: simulator.cloneQueryPath,
    AI302_GENERATE_QUERY_PATH: simulator.generateQueryPath,
    AI302_POLL_FIRST_MS: '100',
    AI302_POLL_MAX_MS: '200',
  };
}

/**
 * A created task is paid for. These tests hold the worker to that: a task id persisted before
 * anything else survives a killed worker (the next one polls it, never creates a second one), a
 * task that never ends fails its render at the deadline, and a task in progress holds no slot.
 */
describe('302.AI tasks and the worker', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('polls the persisted tasks after a worker is killed mid-poll: exactly one task per segment', async () => {
    await requireFfmpeg();
    // Tasks take ~6 s and every query ~150 ms, so at the kill segments are mid-poll or waiting for
    // their next poll. (3 s was too short on two loaded cores: the route gate creates the tasks one
    // after the first query answers, and the first task could finish before the last was created.)
    const simulator = await startAi302Simulator({ apiKey: API_KEY, msPerChar: 2, stageMs: 3000, queryLatencyMs: 150 });
    cleanup.push(() => simulator.close());
    const config = testConfig(simulatorEnv(simulator));
    cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const out = await mkdtemp(join(tmpdir(), 'ttsb-ai302-crash-'));
    cleanup.push(() => rm(out, { recursive: true, force: true }));
    const env = {
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      ...simulatorEnv(simulator),
      WORKER_CONCURRENCY: '4',
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
    const plan = planRender(makeSampleBook(9_000, 5), ai302Definition.limits);
    const segments = plan.segments.length;
    expect(segments, 'enough segments to have several in flight').toBeGreaterThanOrEqual(5);
    const options = resolveRenderOptions(ai302Definition, { ...AUDIO });
    await enqueueRender(
      { connection, prefix: config.QUEUE_PREFIX, store, retry: { attempts: 8, backoffMs: 50 } },
      { id: 'crash-book', plan, provider: ai302Definition, options, output: describeLocation(out) },
    );

    // Every segment has its task and has polled it once (so its id is in Redis), and a poll is
    // on the wire right now: the kill lands mid-poll.
    await simulator.until(
      (sim) =>
        sim.tasks.length === segments &&
        sim.tasks.every((task) => task.queries >= 1) &&
        sim.requests.some((request) => request.call === 'query' && request.outcome === undefined),
    );
    expect(
      simulator.tasks.some((task) => task.lastReported === 'success'),
      'no task may have finished before the kill',
    ).toBe(false);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const tasksAtKill = simulator.tasks.map((task) => task.id);

    const second = spawnWorker(env);
    workers.push(second);
    await second.ready;
    const stitchQueue = new Queue(STITCH_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
    cleanup.push(() => stitchQueue.close());
    const job = await Job.fromId(stitchQueue, 'crash-book');
    await job!.waitUntilFinished(events, 60_000);

    const manifest = JSON.parse(await readFile(join(out, 'crash-book', 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.segments).toHaveLength(segments);
    for (const segment of plan.segments) {
      expect(simulator.tasksFor(toSpeechText(segment.text)).length, `tasks created for segment ${segment.index}`).toBe(1);
    }
    expect(
      simulator.tasks.map((task) => task.id),
      'the second worker created no task',
    ).toEqual(tasksAtKill);
    expect(simulator.tasks.every((task) => task.lastReported === 'success' && task.completedDownloads >= 1)).toBe(true);
    expect(manifest.billedCharacters).toBe(simulator.tasks.reduce((sum, task) => sum + task.usageCharacters, 0));
    const outline = await store.outline('crash-book');
    const expected = await mp3FrameDigest(outline!.segments.map((s) => join(out, s.key)));
    const actual = await mp3FrameDigest([join(out, 'crash-book', 'audio.mp3')]);
    expect(actual.sha256, 'stitched frames must be the segments in order').toBe(expected.sha256);
  });

  it("holds no worker slot while tasks run: one slot keeps every segment's task in flight at once", async () => {
    await requireFfmpeg();
    // Each task lives 2 stages; they must outlast creating the other tasks one by one through a
    // single slot, which includes waiting for the first task's first poll (the task route gate)
    // and, on a loaded 2-core machine, took longer than 2 × 800 ms (14 of 15 overlapped once).
    const simulator = await startAi302Simulator({ apiKey: API_KEY, msPerChar: 2, stageMs: 2500 });
    cleanup.push(() => simulator.close());
    const env = await startRenderEnv(ai302Definition, { ...simulatorEnv(simulator), WORKER_CONCURRENCY: '1' });
    cleanup.push(() => env.close());
    const { plan, options } = env.plan(makeSampleBook(9_000, 6), { ...AUDIO });
    await env.enqueue('one-slot', plan, options);
    const manifest = await env.finish('one-slot', 60_000);
    expect(manifest.segments).toHaveLength(plan.segments.length);
    expect(plan.segments.length).toBeGreaterThanOrEqual(5);
    expect(simulator.peakTasksInFlight(), 'tasks running at the provider at the same moment').toBe(plan.segments.length);
    expect(simulator.tasks).toHaveLength(plan.segments.length);
  });

  it('fails the render clearly when a task is still running at its deadline, without creating another', async () => {
    const simulator = await startAi302Simulator({
      apiKey: API_KEY,
      msPerChar: 2,
      stageMs: 50,
      faults: (createNumber) => (createNumber === 1 ? { kind: 'neverFinishes' } : undefined),
    });
    cleanup.push(() => simulator.close());
    const env = await startRenderEnv(ai302Definition, {
      ...simulatorEnv(simulator),
      AI302_TASK_DEADLINE_MS: '1000',
      WORKER_CONCURRENCY: '1',
    });
    cleanup.push(() => env.close());
    const { plan, options } = env.plan('One short sentence to speak, and it will never be spoken.', { ...AUDIO });
    await env.enqueue('stuck', plan, options);
    await expect(env.finish('stuck', 30_000)).rejects.toThrow();
    const state = await env.store.get('stuck');
    expect(state?.status).toBe('failed');
    expect(state?.error).toMatch(/^segment 0: ai302: task generate:[0-9a-f-]{36} still processing after \d+ s \(deadline 1 s\)$/);
    expect(simulator.tasks, 'a task past its deadline is not replaced by a new one').toHaveLength(1);
  });
});
