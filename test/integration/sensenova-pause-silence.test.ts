import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { senseNovaDefinition } from '../../src/providers/sensenova/definition.ts';
import { startSenseNovaSimulator, type SenseNovaSimulator } from '../simulators/sensenova/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';

const KEY = 'sn-silence-key-51d4';
/** SenseNova's default output: mp3 at 32 kHz (MPEG-1 Layer III), 1,152 samples a frame. */
const FRAME_MS = (1152 / 32000) * 1000;

/**
 * Issue 10's "done when": a `<break time=800>` in a SenseNova render is not sent as text and the
 * manifest shows an 800 ms pause at that place. The pause is inserted by the join (branch
 * i10-join-silence): until that is merged the stitcher inserts nothing and this test fails on
 * the pauseAfterMs assertion, by design.
 */
describe('SenseNova render: the join inserts the pause a tag asked for (simulator)', () => {
  let simulator: SenseNovaSimulator;
  let env: RenderEnv;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseNovaSimulator({ apiKey: KEY, msPerChar: 3 });
    env = await startRenderEnv(senseNovaDefinition, { SENSENOVA_API_KEY: KEY, SENSENOVA_BASE_URL: simulator.url });
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  it('shows 800 ms (whole frames: at least 800, less than one frame more) after the segment before the tag', async () => {
    const { plan, options } = env.plan('The harbour lights were out. <break time=800> Nobody in the town knew why.');
    expect(options.audio).toMatchObject({ format: 'mp3', sampleRate: 32000 });
    await env.enqueue('silence', plan, options);
    const manifest = await env.finish('silence');
    expect(simulator.requests.some((r) => r.text?.includes('<break'))).toBe(false);

    const [first, second] = manifest.segments;
    expect(first?.pauseReason).toBe('break-tag');
    expect(first?.pauseAfterMs).toBeGreaterThanOrEqual(800);
    expect(first?.pauseAfterMs).toBeLessThan(800 + FRAME_MS);
    expect(second?.pauseAfterMs).toBeUndefined();
    // The next segment starts after the silence, and the whole is as long as its parts.
    expect(second?.startMs).toBeCloseTo((first?.startMs ?? 0) + (first?.durationMs ?? 0) + (first?.pauseAfterMs ?? 0), 3);
  });
});
