import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { startWorkers, type WorkerRuntime } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { startRenderEnv } from '../support/render-env.ts';
import { makeSampleBook } from '../support/sample-book.ts';

describe('a 429 seen by one worker process', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('pauses the provider queue for every worker process, for as long as Retry-After says', async () => {
    const API_KEY = 'rate-limit-key';
    const simulator = await startSenseAudioSimulator({
      apiKey: API_KEY,
      msPerChar: 1,
      faults: (n) => (n === 1 ? { kind: 'http429', retryAfter: 2 } : undefined),
    });
    cleanup.push(() => simulator.close());
    const vars = { SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url, WORKER_CONCURRENCY: '1' };
    // Two independent worker runtimes on one prefix: to Redis, two worker processes.
    const env = await startRenderEnv(senseAudioDefinition, vars);
    cleanup.push(() => env.close());
    const second: WorkerRuntime = await startWorkers({ config: env.config, logger: pino({ level: 'silent' }), providers: ['senseaudio'] });
    cleanup.push(() => second.close(5000));

    const { plan, options } = env.plan(makeSampleBook(12_000, 2), { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    expect(plan.segments.length).toBeGreaterThan(3);
    await env.enqueue('limited', plan, options);
    await simulator.whenFinished(1);
    const limitedAt = Date.now();
    await env.finish('limited');

    // A request the other runtime had already sent when the 429 came back may land just after
    // it; anything later must wait out the 2 s the provider asked for.
    const grace = 250;
    const early = simulator.requests.filter((r) => r.number > 1 && r.at > limitedAt + grace && r.at < limitedAt + 2000 - grace);
    expect(
      early.map((r) => `#${r.number} at +${r.at - limitedAt} ms`),
      'requests sent while the queue was rate-limited',
    ).toEqual([]);
    expect(simulator.requests.filter((r) => r.outcome === 'completed')).toHaveLength(plan.segments.length);
  });
});
