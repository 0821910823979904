import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderPlan } from '../../src/producer/plan.ts';
import type { RenderOptions } from '../../src/producer/render-options.ts';
import { cosyVoiceDefinition } from '../../src/providers/cosyvoice/definition.ts';
import { startCosyVoiceSimulator, type CosyVoiceSimulator } from '../simulators/cosyvoice/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { expectCleanStitchedMp3 } from '../support/stitched-mp3-assertions.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { makeSampleBook } from '../support/sample-book.ts';

/**
 * The pipeline with CosyVoice: the 60,000-character mixed Chinese/English book through the real
 * flow on real Redis, against the DashScope WebSocket simulator with about a quarter of its
 * connections faulted (throttling, refused upgrades, resets, task-failed before and after audio,
 * sockets cut mid-audio, slow starts).
 */
describe('render pipeline (CosyVoice simulator, 25% faults)', () => {
  const API_KEY = 'sk-dashscope-sim-41c8';
  let simulator: CosyVoiceSimulator;
  let env: RenderEnv;
  let plan: RenderPlan;
  let options: RenderOptions;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startCosyVoiceSimulator({
      apiKey: API_KEY,
      msPerChar: 3,
      rtf: 0.01,
      firstFrameDelayMs: 5,
      faultRate: 0.25,
      seed: 20261207,
    });
    env = await startRenderEnv(cosyVoiceDefinition, {
      DASHSCOPE_API_KEY: API_KEY,
      DASHSCOPE_WS_URL: simulator.url,
      WORKER_CONCURRENCY: '6',
      RETRY_ATTEMPTS: '12',
    });
    ({ plan, options } = env.plan(makeSampleBook(60_000, 11), { format: 'mp3', sampleRate: 24000 }));
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  it('produces one clean mp3 with every segment spoken once, in order, billed as the service reported', async () => {
    expect(options.audio).toEqual({ format: 'mp3', sampleRate: 24000, channels: 1 });
    await env.enqueue('cosy-book', plan, options);
    const manifest = await env.finish('cosy-book');
    expect(plan.characters).toBeGreaterThanOrEqual(55_000);
    expect(manifest.segments).toHaveLength(plan.segments.length);

    // Faults really happened; each segment was completed once by the service.
    const faulted = simulator.tasks.filter((task) => task.outcome === 'faulted');
    expect(faulted.length, 'the simulator should have faulted some connections').toBeGreaterThan(plan.segments.length / 10);
    expect(new Set(faulted.map((task) => task.fault)).size, 'several kinds of fault').toBeGreaterThan(3);
    const completed = simulator.tasks.filter((task) => task.outcome === 'completed');
    expect(completed.length, 'each segment completed once (no duplicate billing)').toBe(plan.segments.length);
    expect(new Set(completed.map((task) => task.texts.join(''))).size).toBe(plan.segments.length);
    expect(
      simulator.tasks.filter((task) => task.outcome === 'failed'),
      'no task failed through a client mistake',
    ).toEqual([]);
    expect(simulator.maxMessageUnits).toBeLessThanOrEqual(2000);

    await expectCleanStitchedMp3(env, 'cosy-book', manifest.durationMs);

    expect(manifest.billedCharacters).toBe(completed.reduce((sum, task) => sum + (task.usageCharacters ?? 0), 0));
    expect(manifest.segments.every((segment) => segment.cached === false && typeof segment.traceId === 'string')).toBe(true);
    const taskIds = new Set(completed.map((task) => task.taskId));
    expect(
      manifest.segments.every((segment) => taskIds.has(segment.traceId)),
      'trace ids are the task ids',
    ).toBe(true);

    // Every socket was closed, whatever happened to its task.
    await simulator.whenIdle();
    expect(simulator.openConnections()).toBe(0);
  });
});
