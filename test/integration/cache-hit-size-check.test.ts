import { readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentMetaKey } from '../../src/queue/segment-key.ts';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { ffprobeDurationSeconds, requireFfmpeg } from '../support/ffmpeg.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';

function book(tag: string): string {
  return [
    `The light (${tag}) swept the sea in circles, as if it were counting something.`,
    `That winter (${tag}) was so cold that the river froze over with a thick layer of ice.`,
    `The bell (${tag}) rang seven times, and the courtyard fell silent at once.`,
  ].join('\n\n');
}

/**
 * Review of issue #8 item 6, defect 13: a cached WAV or raw PCM segment cut between two renders
 * (whole sample frames, so it still parses) was reused by the next render as shorter audio: the
 * stitch compares sizes against the size *this* render recorded, which for a cache hit was the
 * size found at the cache check. The sidecar now records the size (and sha256) at synthesis,
 * and a cache hit of another size is evicted and synthesized anew.
 */
describe('a cache hit whose size differs from the one stored at synthesis is synthesized anew (SenseAudio simulator)', () => {
  const API_KEY = 'sim-secret-key-cache-size';
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 2 });
    env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      RETRY_ATTEMPTS: '3',
    });
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  it.each(['wav', 'pcm'] as const)(
    '%s: the cut segment is synthesized again (1 request) and the book has its full duration',
    async (format) => {
      const audio = { format, sampleRate: 24000, channels: 1 } as const;
      const { plan, options } = env.plan(book(format), audio);
      const id = `cut-${format}`;
      await env.enqueue(id, plan, options);
      const original = await env.finish(id, 60_000);

      const outline = await env.store.outline(id);
      const key = outline?.segments[1]?.key ?? '';
      const path = join(env.out, key);
      const { size } = await stat(path);
      const sidecar = JSON.parse(await readFile(join(env.out, segmentMetaKey(key)), 'utf8')) as { bytes?: number; sha256?: string };
      expect(sidecar.bytes, 'the sidecar records the size stored at synthesis').toBe(size);
      expect(sidecar.sha256).toMatch(/^[0-9a-f]{64}$/);
      // Cut to whole sample frames (2 bytes each, mono 16-bit) so that only the size tells.
      const cut = 44 + Math.floor(((size - 44) * 0.5) / 2) * 2;
      await truncate(path, cut);

      const before = simulator.requests.length;
      await env.enqueue(`${id}-again`, plan, options);
      const again = await env.finish(`${id}-again`, 60_000);
      const sent = simulator.requests.slice(before);
      expect(
        sent.map((r) => r.text),
        'one request: the cut segment',
      ).toEqual([toSpeechText(plan.segments[1]?.text ?? '')]);
      expect(again.segments.map((s) => s.cached)).toEqual([true, false, true]);
      expect(again.durationMs).toBeCloseTo(original.durationMs, 3);
      expect((await stat(path)).size, 'the segment is whole again').toBe(size);
      const probeArgs = format === 'pcm' ? ['-f', 's16le', '-ar', '24000', '-ac', '1'] : [];
      const seconds = await ffprobeDurationSeconds(join(env.out, `${id}-again`, `audio.${format}`), probeArgs);
      expect(seconds).toBeCloseTo(original.durationMs / 1000, 1);
    },
  );
});
