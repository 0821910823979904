import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { senseNovaDefinition } from '../../src/providers/sensenova/definition.ts';
import type * as StitchModule from '../../src/stitcher/stitch.ts';
import type { StitchInput } from '../../src/stitcher/stitch-types.ts';
import { startSenseNovaSimulator, type SenseNovaSimulator } from '../simulators/sensenova/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';

/** What the stitch worker hands the join, per render (the real join still runs). */
const joined = vi.hoisted(() => new Map<string, readonly number[] | undefined>());
vi.mock('../../src/stitcher/stitch.ts', async (importOriginal) => {
  const real = await importOriginal<typeof StitchModule>();
  return {
    ...real,
    stitch: (input: StitchInput) => {
      joined.set(input.outputKey.split('/')[0] ?? '', input.pausesAfterMs);
      return real.stitch(input);
    },
  };
});

const KEY = 'sn-pauses-key-7c21';
const book = (pause: string) =>
  `# Chapter One\nThe harbour lights were out, and nobody in the town knew why. ${pause} ` +
  'Then the bells began to ring, one after another, all the way down to the sea.';

/**
 * SenseNova has no documented pause syntax (pauseSupport 'none'): a `<break time=800>` is cut out
 * of the text and becomes a pause for the join, and English text is sent as EN. The pause is no
 * part of a segment's audio or identity, so a re-render with another pause length bills nothing.
 */
describe('SenseNova render with a pause tag (simulator)', () => {
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

  it('never sends the tag as text, sends English as EN, and plans the pause after the segment before the tag', async () => {
    const { plan, options } = env.plan(book('<break time=800>'));
    // The heading line is a segment of its own (issue 11 item 1); no structural pauses asked for here.
    expect(plan.segments.map((s) => [s.text, s.pauseAfter?.ms])).toEqual([
      ['# Chapter One', undefined],
      ['The harbour lights were out, and nobody in the town knew why.', 800],
      ['Then the bells began to ring, one after another, all the way down to the sea.', undefined],
    ]);
    await env.enqueue('paused', plan, options);
    const manifest = await env.finish('paused');

    const sent = simulator.requests.filter((r) => r.outcome === 'completed');
    expect(sent).toHaveLength(3);
    expect(
      sent.every((r) => r.text !== undefined && !r.text.includes('<break')),
      'no request carries the tag',
    ).toBe(true);
    expect(sent.map((r) => r.language)).toEqual(['EN', 'EN', 'EN']);
    expect((await env.store.outline('paused'))?.segments.map((s) => s.pauseAfter)).toEqual([
      undefined,
      { ms: 800, reason: 'break-tag' },
      undefined,
    ]);
    expect(joined.get('paused'), 'the join is asked for the pause').toEqual([0, 800, 0]);
    expect(manifest.billedCharacters).toBeGreaterThan(0);
  });

  it('re-renders the same text with another pause length from the cache: 0 characters billed, no request sent', async () => {
    const before = simulator.requests.length;
    const { plan, options } = env.plan(book('<break time="1.5s"/>'));
    expect(plan.segments[1]?.pauseAfter).toEqual({ ms: 1500, reason: 'break-tag' });
    await env.enqueue('repaused', plan, options);
    const manifest = await env.finish('repaused');
    expect(manifest.billedCharacters).toBe(0);
    expect(manifest.cachedSegments).toBe(3);
    expect(simulator.requests.length).toBe(before);
    expect((await env.store.outline('repaused'))?.segments[1]?.pauseAfter).toEqual({ ms: 1500, reason: 'break-tag' });
    expect(joined.get('repaused')).toEqual([0, 1500, 0]);
  });
});
