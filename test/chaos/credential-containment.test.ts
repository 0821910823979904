import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { renderMetrics } from '../../src/metrics/render-metrics.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { startWorkers } from '../../src/worker/start-workers.ts';
import { readWorkerHeartbeats } from '../../src/runtime/worker-heartbeat.ts';
import { parsePrometheusText } from '../integration/metrics-prometheus-parser.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { startRenderEnv } from '../support/render-env.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { reportFigure } from './support/figures.ts';

const GOOD_KEY = 'chaos-good-key';
const WRONG_KEY = 'chaos-wrong-key';
const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;

/**
 * Issue #8 item 1, full size: two worker runtimes on one prefix, one with a wrong key, render a
 * 60,000-character book. It completes with no failed segment, the bad worker shows as
 * misconfigured, and once the simulator accepts its key it resumes and serves a second book.
 */
describe('chaos: a worker with a wrong key on a shared prefix', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('a 60,000-character book completes, nothing fails, the bad worker pauses and later resumes', async () => {
    const simulator = await startSenseAudioSimulator({ apiKey: GOOD_KEY, msPerChar: 2 });
    cleanup.push(() => simulator.close());
    const vars = {
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '4',
      HEARTBEAT_INTERVAL_MS: '200',
      CREDENTIAL_RECHECK_MS: '1000',
      CREDENTIAL_RECHECK_MAX_MS: '8000',
    };
    const env = await startRenderEnv(senseAudioDefinition, vars, { startWorkers: false });
    cleanup.push(() => env.close());
    const prefix = env.config.QUEUE_PREFIX;
    const redis = new Redis(env.config.REDIS_URL);
    cleanup.push(() => Promise.resolve(redis.disconnect()));
    const logger = pino({ level: 'silent' });
    const bad = await startWorkers({ config: { ...env.config, SENSEAUDIO_API_KEY: WRONG_KEY }, logger, providers: ['senseaudio'] });
    cleanup.push(() => bad.close(5000));
    const good = await startWorkers({ config: { ...env.config, SENSEAUDIO_API_KEY: GOOD_KEY }, logger, providers: ['senseaudio'] });
    cleanup.push(() => good.close(5000));

    const { plan, options } = env.plan(makeSampleBook(60_000, 21), AUDIO);
    const started = Date.now();
    await env.enqueue('big', plan, options);
    // The bad worker shows as misconfigured while the book is being spoken.
    await vi.waitFor(
      async () => {
        const beats = await readWorkerHeartbeats(redis, prefix);
        if (!beats.some((beat) => beat.misconfigured?.senseaudio)) throw new Error('no misconfigured worker yet');
      },
      { timeout: 30_000, interval: 100 },
    );
    const gauge = parsePrometheusText(await renderMetrics(redis, prefix, ['senseaudio'])).get('ttsb_workers_misconfigured')?.samples[0]
      ?.value;
    expect(gauge).toBe(1);
    const firstPauseAt = Date.now();
    const spentBeforePause = simulator.requests.filter((r) => r.key === WRONG_KEY && r.at <= firstPauseAt).length;
    const manifest = await env.finish('big', 480_000);
    const tookMs = Date.now() - started;
    const state = await env.store.get('big');
    expect(state?.status).toBe('completed');
    expect(manifest.segments).toHaveLength(plan.segments.length);
    const metrics = parsePrometheusText(await renderMetrics(redis, prefix, ['senseaudio']));
    expect(metrics.get('ttsb_segments_failed_total')?.samples[0]?.value).toBe(0);
    const refused = simulator.requests.filter((r) => r.key === WRONG_KEY);
    const spoken = simulator.requests.filter((r) => r.authorized && r.outcome === 'completed');
    expect(spoken).toHaveLength(plan.segments.length - (state?.cachedSegments ?? 0));
    const billed = spoken.reduce((sum, r) => sum + (r.usageCharacters ?? 0), 0);
    expect(billed).toBe(manifest.billedCharacters);

    // The key is fixed at the provider: the bad worker probes, succeeds, and serves alone.
    await good.close(5000);
    simulator.acceptKey(WRONG_KEY);
    const second = env.plan(makeSampleBook(12_000, 22), AUDIO);
    const fixedAt = Date.now();
    await env.enqueue('after-fix', second.plan, second.options);
    await env.finish('after-fix', 120_000);
    expect((await env.store.get('after-fix'))?.status).toBe('completed');
    const resumedMs = Date.now() - fixedAt;
    await vi.waitFor(
      async () => {
        const beats = await readWorkerHeartbeats(redis, prefix);
        if (beats.some((beat) => beat.misconfigured?.senseaudio)) throw new Error('still misconfigured');
      },
      { timeout: 10_000, interval: 100 },
    );
    reportFigure(
      'credential-containment',
      `${plan.characters.toLocaleString('en')} characters in ${plan.segments.length} segments completed in ${(tookMs / 1000).toFixed(1)} s with 0 failed segments; ` +
        `${spoken.length} requests spoke the book, ${billed.toLocaleString('en')} characters billed (manifest ${manifest.billedCharacters.toLocaleString('en')}); ` +
        `the bad worker (concurrency 4) spent ${spentBeforePause} request(s) before pausing and ${refused.length} refused requests in all (probes on a 1-8 s back-off), billed 0; ` +
        `after its key was accepted it spoke the second book (${second.plan.segments.length} segments) in ${(resumedMs / 1000).toFixed(1)} s`,
    );
  }, 600_000);
});
