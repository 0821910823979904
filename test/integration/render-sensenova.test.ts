import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderPlan } from '../../src/producer/plan.ts';
import type { RenderOptions } from '../../src/producer/render-options.ts';
import { senseNovaDefinition } from '../../src/providers/sensenova/definition.ts';
import { randomFaults, type SenseNovaFault } from '../simulators/sensenova/faults.ts';
import { startSenseNovaSimulator, type SenseNovaSimulator } from '../simulators/sensenova/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { expectCleanStitchedMp3 } from '../support/stitched-mp3-assertions.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { makeSampleBook, withoutParagraphBreaks } from '../support/sample-book.ts';

/**
 * The 60,000-character sample book through the real flow on real Redis, against the SenseNova
 * simulator: AccessKey credentials (JWTs), a blend of two voices, SSE with [DONE], and about a
 * quarter of requests faulted. The first two requests are forced to end without [DONE] and to be
 * cut mid-audio: incomplete streams that must be retried, never stored.
 */
describe('render pipeline (SenseNova simulator, JWT auth, 25% faults)', () => {
  const ACCESS_KEY = { id: 'AK-pipeline-0c1d', secret: 'SK-pipeline-secret-5e8f' };
  const BLEND = [{ voice: 'female_taimei', weight: 0.25 }];
  let simulator: SenseNovaSimulator;
  let env: RenderEnv;
  let plan: RenderPlan;
  let options: RenderOptions;

  beforeAll(async () => {
    await requireFfmpeg();
    const random = randomFaults({ rate: 0.25, seed: 20261122 });
    const forced: Record<number, SenseNovaFault> = { 1: { kind: 'noDone' }, 2: { kind: 'cutStream', afterEvents: 1 } };
    simulator = await startSenseNovaSimulator({
      apiKey: null,
      accessKey: ACCESS_KEY,
      msPerChar: 3,
      chunkBytes: 2048,
      faults: (number, body) => forced[number] ?? random(number, body),
    });
    env = await startRenderEnv(senseNovaDefinition, {
      SENSENOVA_ACCESS_KEY_ID: ACCESS_KEY.id,
      SENSENOVA_SECRET_ACCESS_KEY: ACCESS_KEY.secret,
      SENSENOVA_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '6',
      RETRY_ATTEMPTS: '12',
    });
    ({ plan, options } = env.plan(withoutParagraphBreaks(makeSampleBook(60_000, 11)), {
      format: 'mp3',
      sampleRate: 24000,
      channels: 1,
      bitrate: 64000,
      voiceSettings: { blend: BLEND },
    }));
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  it('produces one clean mp3 with every segment spoken once, in order, incomplete streams retried', async () => {
    await env.enqueue('nova-book', plan, options);
    const manifest = await env.finish('nova-book');
    expect(plan.characters).toBeGreaterThanOrEqual(55_000);
    expect(Math.max(...plan.segments.map((s) => s.units)), 'no segment over the 2,000 default').toBeLessThanOrEqual(2000);
    expect(manifest.segments).toHaveLength(plan.segments.length);

    // Faults really happened; the incomplete streams were retried and completed later.
    const requests = simulator.requests;
    const faulted = requests.filter((r) => r.outcome === 'faulted');
    expect(faulted.length, 'the simulator should have faulted some requests').toBeGreaterThan(2);
    const completed = requests.filter((r) => r.outcome === 'completed');
    for (const kind of ['noDone', 'cutStream'] as const) {
      const cut = requests.find((r) => r.fault === kind);
      expect(cut?.outcome, `the forced ${kind}`).toBe('faulted');
      expect(
        completed.some((r) => r.text === cut?.text),
        `the segment of the ${kind} request was retried to completion`,
      ).toBe(true);
    }
    expect(completed.length, 'each segment completed once (no duplicate billing)').toBe(plan.segments.length);
    expect(new Set(completed.map((r) => r.text)).size).toBe(plan.segments.length);

    // Every request carried a valid JWT for the configured AccessKey, and the blend.
    expect(
      requests.every((r) => r.auth === 'jwt' && r.authorized),
      'every token was valid when sent',
    ).toBe(true);
    expect(completed[0]?.timbreWeights).toEqual([{ voice: 'female_chunzhen', weight: 0.75 }, ...BLEND]);

    await expectCleanStitchedMp3(env, 'nova-book', manifest.durationMs);
    expect(manifest.billedCharacters).toBe(completed.reduce((sum, r) => sum + (r.usageCharacters ?? 0), 0));
    expect(manifest.segments.every((s) => s.cached === false && typeof s.traceId === 'string')).toBe(true);
  });
});
