import { open, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { expectCleanStitchedMp3 } from '../support/stitched-mp3-assertions.ts';

/** Three paragraphs, so three segments (each paragraph is cut on its own since issue 11). */
function book(tag: string): string {
  return [
    `The light (${tag}) swept the sea in circles, as if it were counting something.`,
    `That winter (${tag}) was so cold that the river froze over with a thick layer of ice.`,
    `The bell (${tag}) rang seven times, and the courtyard fell silent at once.`,
  ].join('\n\n');
}

type Damage = 'half-zeroed' | 'truncated' | 'deleted';

/** What happens to a cached segment file between two renders (a disk, a sync tool, a person). */
async function damage(path: string, how: Damage): Promise<void> {
  const { size } = await stat(path);
  switch (how) {
    case 'half-zeroed': {
      // Same size, so only the content tells: the second half of the frames are zeros.
      const file = await open(path, 'r+');
      try {
        await file.write(new Uint8Array(size - Math.floor(size / 2)), 0, undefined, Math.floor(size / 2));
      } finally {
        await file.close();
      }
      return;
    }
    case 'truncated':
      await truncate(path, Math.floor(size * 0.6));
      return;
    case 'deleted':
      await rm(path);
      return;
  }
}

/**
 * Issue #8 item 6, stitch side: a cached segment that is missing, damaged or cut when the stitch
 * meets it is evicted and sent back to synthesis (that one segment only), then the book is
 * stitched. Today a half-zeroed segment is stitched silently into a shorter book, and a cut or
 * missing one fails the render forever ("1 cached", no provider call).
 */
describe('the stitch heals a damaged cached segment (SenseAudio simulator)', () => {
  const API_KEY = 'sim-secret-key-heal';
  const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 3 });
    env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '3',
      RETRY_ATTEMPTS: '3',
    });
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  const cases: Damage[] = ['half-zeroed', 'truncated', 'deleted'];
  it.each(cases)('%s: only that segment is synthesized again, the book is whole, and a re-render sends nothing', async (how) => {
    const { plan, options } = env.plan(book(how), AUDIO);
    expect(plan.segments).toHaveLength(3);
    const id = `heal-${how}`;
    await env.enqueue(id, plan, options);
    const original = await env.finish(id, 60_000);
    const originalDigest = await mp3FrameDigest([join(env.out, id, 'audio.mp3')]);

    const [, damaged] = await env.segmentPaths(id);
    await damage(damaged ?? '', how);

    const before = simulator.requests.length;
    await env.enqueue(`${id}-healed`, plan, options);
    const healed = await env.finish(`${id}-healed`, 60_000);
    const sent = simulator.requests.slice(before);
    expect(
      sent.map((r) => r.text),
      'one request: the damaged segment',
    ).toEqual([toSpeechText(plan.segments[1]?.text ?? '')]);
    expect(healed.segments.map((s) => s.cached)).toEqual([true, false, true]);
    expect(healed.billedCharacters).toBe(sent[0]?.usageCharacters);
    expect(healed.durationMs).toBeCloseTo(original.durationMs, 3);
    await expectCleanStitchedMp3(env, `${id}-healed`, healed.durationMs);
    const healedDigest = await mp3FrameDigest([join(env.out, `${id}-healed`, 'audio.mp3')]);
    expect(healedDigest.sha256, 'the same audio as before the damage').toBe(originalDigest.sha256);

    const beforeAgain = simulator.requests.length;
    await env.enqueue(`${id}-again`, plan, options);
    const again = await env.finish(`${id}-again`, 60_000);
    expect(simulator.requests.length, 'a re-render sends no request').toBe(beforeAgain);
    expect(again.cachedSegments).toBe(3);
    expect((await mp3FrameDigest([join(env.out, `${id}-again`, 'audio.mp3')])).sha256).toBe(originalDigest.sha256);
  });
});

describe('the stitch gives up on a segment it may not heal (STITCH_MAX_HEALS=0)', () => {
  const API_KEY = 'sim-secret-key-heal-bound';
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 3 });
    env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      RETRY_ATTEMPTS: '2',
      STITCH_MAX_HEALS: '0',
    });
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  it('fails the render with a reason naming the damaged segment, and sends no request', async () => {
    const { plan, options } = env.plan(book('bound'), { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    await env.enqueue('bound', plan, options);
    await env.finish('bound', 60_000);
    const [, damaged] = await env.segmentPaths('bound');
    await damage(damaged ?? '', 'half-zeroed');
    const before = simulator.requests.length;
    await env.enqueue('bound-again', plan, options);
    await expect(env.finish('bound-again', 60_000)).rejects.toThrow(
      /segment 1 \(.+\) holds \d+ bytes that are neither an MPEG frame nor a tag .*; still damaged after 0 re-syntheses/,
    );
    const state = await env.store.get('bound-again');
    expect(state?.status).toBe('failed');
    expect(state?.error).toMatch(/^stitch: segment 1 /);
    expect(simulator.requests.length).toBe(before);
  });
});
