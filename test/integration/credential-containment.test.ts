import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { renderMetrics } from '../../src/metrics/render-metrics.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { STITCH_QUEUE } from '../../src/queue/queue-names.ts';
import { getRenderStatus } from '../../src/render/render-status.ts';
import { waitingReason } from '../../src/runtime/waiting-reason.ts';
import { startWorkers, type WorkerRuntime } from '../../src/worker/start-workers.ts';
import { readWorkerHeartbeats } from '../../src/runtime/worker-heartbeat.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { startRenderEnv } from '../support/render-env.ts';
import { runCli } from '../support/run-cli.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { API_TOKEN, readEventStream, startApi } from './api-harness.ts';
import { parsePrometheusText } from './metrics-prometheus-parser.ts';

const GOOD_KEY = 'good-key-containment';
const WRONG_KEY = 'wrong-key-containment';
const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;

describe('a worker with a bad key on a shared prefix', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('pauses itself, fails nobody, shows as misconfigured, and resumes once its key is accepted', async () => {
    const simulator = await startSenseAudioSimulator({ apiKey: GOOD_KEY, msPerChar: 1 });
    cleanup.push(() => simulator.close());
    const vars = {
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '1',
      HEARTBEAT_INTERVAL_MS: '100',
      CREDENTIAL_RECHECK_MS: '300',
      CREDENTIAL_RECHECK_MAX_MS: '1000',
    };
    const env = await startRenderEnv(senseAudioDefinition, vars, { startWorkers: false });
    cleanup.push(() => env.close());
    const prefix = env.config.QUEUE_PREFIX;
    const redis = new Redis(env.config.REDIS_URL);
    cleanup.push(() => Promise.resolve(redis.disconnect()));
    const stitchQueue = new Queue(STITCH_QUEUE, { connection: redis, prefix });
    cleanup.push(() => stitchQueue.close());

    // The bad worker alone first, so it is certain to take a segment of someone else's render.
    const bad: WorkerRuntime = await startWorkers({
      config: { ...env.config, SENSEAUDIO_API_KEY: WRONG_KEY },
      logger: pino({ level: 'silent' }),
      providers: ['senseaudio'],
    });
    cleanup.push(() => bad.close(5000));
    const { plan, options } = env.plan(makeSampleBook(9000, 3), AUDIO);
    expect(plan.segments.length).toBeGreaterThanOrEqual(3);
    await env.enqueue('shared-one', plan, options);
    await simulator.whenFinished(1);
    expect(simulator.requests[0]?.authorized).toBe(false);

    // It shows as misconfigured in its heartbeat, and the render waits with a reason instead of failing.
    const beat = await vi.waitFor(
      async () => {
        const [found] = await readWorkerHeartbeats(redis, prefix);
        if (!found?.misconfigured?.senseaudio) throw new Error('the bad worker does not show as misconfigured yet');
        return found;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(beat.misconfigured?.senseaudio?.reason).toMatch(/API key was rejected/);
    const waiting = await getRenderStatus(env.store, stitchQueue, 'shared-one');
    expect(waiting?.status).not.toBe('failed');
    expect(await waitingReason(redis, prefix, 'senseaudio')).toBe('no worker with valid senseaudio credentials');
    const status = await runCli(['status', 'shared-one'], { REDIS_URL: env.config.REDIS_URL, QUEUE_PREFIX: prefix });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ waiting: 'no worker with valid senseaudio credentials' });
    const metrics = parsePrometheusText(await renderMetrics(redis, prefix, ['senseaudio']));
    const gauge = metrics.get('ttsb_workers_misconfigured')?.samples.find((s) => s.labels.provider === 'senseaudio');
    expect(gauge?.value).toBe(1);
    // The job went back to the queue without spending an attempt.
    const segmentQueue = new Queue('synthesize-senseaudio', { connection: redis, prefix });
    cleanup.push(() => segmentQueue.close());
    const first = (await segmentQueue.getJobs(['waiting', 'prioritized', 'active', 'delayed'])).find((job) => job.attemptsStarted > 0);
    expect(first?.attemptsMade).toBe(0);
    // /readyz tells, per provider; the render's event stream carries the reason.
    const api = await startApi({ ...env.config, API_TOKENS: [API_TOKEN], API_SSE_HEARTBEAT_MS: 200, READY_WORKER_MAX_AGE_MS: 60_000 });
    cleanup.push(() => api.close());
    const view = (await (await api.request('/v1/renders/shared-one')).json()) as { waiting?: string };
    expect(view.waiting, 'GET says why it waits').toBe('no worker with valid senseaudio credentials');
    const ready = (await (await api.request('/readyz', { token: null })).json()) as {
      providers?: Record<string, { workers: number; misconfigured: number; reasons?: string[] }>;
    };
    expect(ready.providers?.senseaudio).toMatchObject({ workers: 1, misconfigured: 1 });
    expect(ready.providers?.senseaudio?.reasons?.[0]).toMatch(/API key was rejected/);
    const stream = await api.request('/v1/renders/shared-one/events', { headers: { accept: 'text/event-stream' } });
    const streamed = readEventStream(stream);

    // A healthy worker joins: the render completes, and no segment failed.
    const good = await startWorkers({
      config: { ...env.config, SENSEAUDIO_API_KEY: GOOD_KEY },
      logger: pino({ level: 'silent' }),
      providers: ['senseaudio'],
    });
    cleanup.push(() => good.close(5000));
    const manifest = await env.finish('shared-one', 60_000);
    expect(manifest.segments).toHaveLength(plan.segments.length);
    expect((await env.store.get('shared-one'))?.status).toBe('completed');
    const { events } = await streamed;
    const views = events.map((event) => event.data as { status: string; waiting?: string });
    expect(views[0]?.waiting, 'the snapshot says why it waits').toBe('no worker with valid senseaudio credentials');
    expect(events.at(-1)?.event).toBe('status');
    expect(views.at(-1)).toMatchObject({ status: 'completed' });
    expect(views.at(-1)?.waiting).toBeUndefined();
    const after = parsePrometheusText(await renderMetrics(redis, prefix, ['senseaudio']));
    expect(after.get('ttsb_segments_failed_total')?.samples.find((s) => s.labels.provider === 'senseaudio')?.value).toBe(0);
    expect(simulator.requests.filter((r) => r.authorized && r.outcome === 'completed')).toHaveLength(plan.segments.length);
    const wasted = simulator.requests.filter((r) => r.key === WRONG_KEY).length;
    // Its first refusal, then at most one probe per back-off step (300, 600, 1000, 1000 … ms).
    expect(wasted).toBeGreaterThanOrEqual(1);

    // The key is fixed at the provider's end: the paused worker probes, succeeds and serves again.
    await good.close(5000);
    simulator.acceptKey(WRONG_KEY);
    const second = env.plan(makeSampleBook(4000, 4), AUDIO);
    await env.enqueue('shared-two', second.plan, second.options);
    await env.finish('shared-two', 60_000);
    const two = await env.store.get('shared-two');
    expect(two?.status).toBe('completed');
    // Every segment not already in the cache was spoken with the once-wrong key.
    expect(simulator.requests.filter((r) => r.key === WRONG_KEY && r.authorized)).toHaveLength(
      second.plan.segments.length - (two?.cachedSegments ?? 0),
    );
    expect(second.plan.segments.length - (two?.cachedSegments ?? 0)).toBeGreaterThan(0);
    await vi.waitFor(
      async () => {
        const [found] = await readWorkerHeartbeats(redis, prefix);
        if (found?.misconfigured?.senseaudio) throw new Error('still shows as misconfigured');
      },
      { timeout: 5000, interval: 50 },
    );
  }, 90_000);

  it('fails a render that waited RENDER_STALL_MS with no worker holding valid credentials, with that reason', async () => {
    const simulator = await startSenseAudioSimulator({ apiKey: GOOD_KEY, msPerChar: 1 });
    cleanup.push(() => simulator.close());
    const vars = {
      SENSEAUDIO_BASE_URL: simulator.url,
      SENSEAUDIO_API_KEY: WRONG_KEY,
      WORKER_CONCURRENCY: '1',
      HEARTBEAT_INTERVAL_MS: '100',
      RENDER_STALL_MS: '1500',
    };
    const env = await startRenderEnv(senseAudioDefinition, vars);
    cleanup.push(() => env.close());
    const { plan, options } = env.plan(makeSampleBook(2000, 5), AUDIO);
    const started = Date.now();
    await env.enqueue('stalled', plan, options);
    const ended = await vi.waitFor(
      async () => {
        const state = await env.store.get('stalled');
        if (state?.status !== 'failed') throw new Error(`still ${state?.status}`);
        return state;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(ended.error).toMatch(/^no worker with valid senseaudio credentials for \d+ s \(RENDER_STALL_MS\)$/);
  }, 30_000);
});
