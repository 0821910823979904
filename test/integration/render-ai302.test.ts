import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderPlan } from '../../src/producer/plan.ts';
import type { RenderOptions } from '../../src/producer/render-options.ts';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { ai302Definition } from '../../src/providers/ai302/definition.ts';
import { startAi302Simulator, type Ai302Simulator } from '../simulators/ai302/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { expectCleanStitchedMp3 } from '../support/stitched-mp3-assertions.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { makeSampleBook, withoutParagraphBreaks } from '../support/sample-book.ts';

/**
 * The whole pipeline through 302.AI's task protocol: the 60,000-character sample book, real
 * Redis, in-process workers that submit, poll (delayed jobs) and download, against the simulator
 * with a quarter of its create requests faulted (rate limits, 5xx, resets, failed tasks, broken
 * and missing result files). Every segment must be paid for once, and the book must come out whole.
 */
describe('render pipeline (302.AI simulator, 25% faults)', () => {
  const API_KEY = 'ai302-pipeline-key-2c7d';
  let simulator: Ai302Simulator;
  let env: RenderEnv;
  let plan: RenderPlan;
  let options: RenderOptions;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startAi302Simulator({ apiKey: API_KEY, msPerChar: 2, stageMs: 30, faultRate: 0.25, seed: 20261121 });
    env = await startRenderEnv(ai302Definition, {
      AI302_API_KEY: API_KEY,
      AI302_BASE_URL: simulator.url,
      AI302_CLONE_PATH: simulator.clonePath,
      AI302_GENERATE_PATH: simulator.generatePath,
      AI302_CLONE_QUERY_PATH: simulator.cloneQueryPath,
      AI302_GENERATE_QUERY_PATH: simulator.generateQueryPath,
      AI302_POLL_FIRST_MS: '20',
      AI302_POLL_MAX_MS: '100',
      WORKER_CONCURRENCY: '6',
      RETRY_ATTEMPTS: '12',
    });
    ({ plan, options } = env.plan(withoutParagraphBreaks(makeSampleBook(60_000, 7)), {
      format: 'mp3',
      sampleRate: 24000,
      channels: 1,
      bitrate: 64000,
      voiceSettings: { systemPrompt: 'A calm narrator in a quiet room.' },
    }));
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  // 180 s: an hour of book, polled through tasks, then stitched and measured (ebur128 with true
  // peak over the whole file) — past 60 s on two loaded cores.
  it('produces one clean mp3 with every segment paid for once, in order', { timeout: 180_000 }, async () => {
    await env.enqueue('ai302-book', plan, options);
    const manifest = await env.finish('ai302-book');
    expect(plan.characters).toBeGreaterThanOrEqual(55_000);
    expect(manifest.segments).toHaveLength(plan.segments.length);

    // Faults really happened.
    const faulted = simulator.requests.filter((r) => r.fault !== undefined);
    expect(faulted.length, 'the simulator should have faulted some requests').toBeGreaterThan(3);
    expect(new Set(faulted.map((r) => r.fault)).size, 'several kinds of fault').toBeGreaterThan(2);

    // One succeeded task per segment; any other task for a segment is one that failed at the provider.
    for (const segment of plan.segments) {
      const tasks = simulator.tasksFor(toSpeechText(segment.text));
      const succeeded = tasks.filter((task) => task.lastReported === 'success');
      expect(succeeded.length, `segment ${segment.index}: tasks that succeeded`).toBe(1);
      expect(
        tasks.filter((task) => task.fault !== 'taskFails').length,
        `segment ${segment.index}: tasks not explained by a provider failure`,
      ).toBe(1);
    }
    expect(simulator.tasks.length, 'no task for text outside the plan').toBe(
      plan.segments.reduce((sum, segment) => sum + simulator.tasksFor(toSpeechText(segment.text)).length, 0),
    );

    await expectCleanStitchedMp3(env, 'ai302-book', manifest.durationMs);
    const spokenMs = simulator.tasks
      .filter((task) => task.lastReported === 'success')
      .reduce((sum, task) => sum + (task.durationMs ?? 0), 0);
    // Each mp3 segment adds encoder delay and padding (well under 100 ms), nothing else but the
    // silences the join put after segments (302.AI cannot say a pause tag: issue 10).
    const pausesMs = manifest.segments.reduce((sum, s) => sum + (s.pauseAfterMs ?? 0), 0);
    expect(manifest.durationMs - pausesMs - spokenMs).toBeGreaterThanOrEqual(0);
    expect(manifest.durationMs - pausesMs - spokenMs).toBeLessThan(plan.segments.length * 100);

    const billed = simulator.tasks.filter((task) => task.lastReported === 'success').reduce((sum, task) => sum + task.usageCharacters, 0);
    expect(manifest.billedCharacters).toBe(billed);
    expect(manifest.segments.every((s) => s.cached === false && typeof s.traceId === 'string' && s.traceId.startsWith('generate:'))).toBe(
      true,
    );
  });
});
