import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderPlan } from '../../src/producer/plan.ts';
import type { RenderOptions } from '../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';
import { expectCleanStitchedMp3 } from '../support/stitched-mp3-assertions.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { makeSampleBook, withoutParagraphBreaks } from '../support/sample-book.ts';

/**
 * The spine, end to end: a 60,000-character mixed Chinese/English book with chapters, through
 * the real flow on real Redis, against the SenseAudio simulator with a quarter of its requests
 * faulted. Then the same book again, which must not reach the provider at all.
 */
describe('render pipeline (SenseAudio simulator, 25% faults)', () => {
  const API_KEY = 'sim-secret-key-7f3a';
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;
  let plan: RenderPlan;
  let options: RenderOptions;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 3, faultRate: 0.25, seed: 20261121 });
    env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '6',
      RETRY_ATTEMPTS: '12',
    });
    ({ plan, options } = env.plan(withoutParagraphBreaks(makeSampleBook(60_000, 7)), {
      format: 'mp3',
      sampleRate: 24000,
      channels: 1,
      bitrate: 64000,
    }));
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  it('produces one clean mp3 with every segment spoken once, in order', async () => {
    await env.enqueue('book-one', plan, options);
    const manifest = await env.finish('book-one');
    expect(plan.characters).toBeGreaterThanOrEqual(55_000);
    expect(plan.chapters.length).toBeGreaterThan(3);
    expect(manifest.segments).toHaveLength(plan.segments.length);
    expect(manifest.chapters.map((c) => c.title)).toEqual(plan.chapters.map((c) => c.title));

    // Faults really happened, and every segment was completed exactly once by the provider.
    const faulted = simulator.requests.filter((r) => r.outcome === 'faulted').length;
    expect(faulted, 'the simulator should have faulted some requests').toBeGreaterThan(0);
    const completed = simulator.requests.filter((r) => r.outcome === 'completed');
    expect(completed.length, 'each segment completed once (no duplicate billing)').toBe(plan.segments.length);
    expect(new Set(completed.map((r) => r.text)).size).toBe(plan.segments.length);

    await expectCleanStitchedMp3(env, 'book-one', manifest.durationMs);
    // The whole is its segments and the silences the join put after them (pause tags a provider
    // without pauseSupport cannot say: issue 10), nothing else.
    const sumOfSegments = manifest.segments.reduce((sum, s) => sum + s.durationMs + (s.pauseAfterMs ?? 0), 0);
    expect(Math.abs(sumOfSegments - manifest.durationMs)).toBeLessThan(1);
    for (let i = 1; i < manifest.segments.length; i++) {
      const previous = manifest.segments[i - 1]!;
      expect(manifest.segments[i]!.startMs).toBeCloseTo(previous.startMs + previous.durationMs + (previous.pauseAfterMs ?? 0), 2);
    }
    expect(manifest.billedCharacters).toBe(completed.reduce((sum, r) => sum + (r.usageCharacters ?? 0), 0));
    expect(manifest.segments.every((s) => s.cached === false && typeof s.traceId === 'string')).toBe(true);
  });

  it('renders the same book again without sending a single request', async () => {
    const before = simulator.requests.length;
    await env.enqueue('book-two', plan, options);
    const manifest = await env.finish('book-two');
    expect(simulator.requests.length, 'no request may reach the provider').toBe(before);
    expect(manifest.cachedSegments).toBe(plan.segments.length);
    expect(manifest.billedCharacters).toBe(0);
    const first = await mp3FrameDigest([join(env.out, 'book-one', 'audio.mp3')]);
    const second = await mp3FrameDigest([join(env.out, 'book-two', 'audio.mp3')]);
    expect(second.sha256).toBe(first.sha256);
  });

  it('refuses a render id that is already taken', async () => {
    await expect(env.enqueue('book-one', plan, options)).rejects.toThrow(/id: a render with id "book-one" already exists/);
  });
});
