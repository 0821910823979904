import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import type { BadAudioVariant } from '../simulators/senseaudio/faults.ts';
import { startSenseAudioSimulator, type RecordedRequest, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { expectCleanStitchedMp3 } from '../support/stitched-mp3-assertions.ts';

/** Three paragraphs, so three segments (each paragraph is cut on its own); `tag` makes each scenario's text (and content keys) its own. */
function book(tag: string): string {
  return [
    `The fog had not lifted yet, and the dock (${tag}) was already full of people waiting for the boat.`,
    `She spread the old map (${tag}) on the table and circled three places with a pencil.`,
    `We had agreed to meet at the bridge (${tag}), but neither of us waited for the other.`,
  ].join('\n\n');
}

/** Files anywhere under `dir` whose name says they are a write in progress. */
async function leftoverTempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((name) => name.endsWith('.part'));
}

/**
 * Issue #8 item 6: a provider that answers one segment with garbage (status 0, a normal final
 * event) and then heals. The garbage must never be stored under the segment's key: the answer
 * is checked while it streams, refused as a retryable fault, and the retry asks the provider
 * again. Today's code stores it, the stitch fails, and every re-render fails the same way.
 */
describe('a bad answer is never cached (SenseAudio simulator)', () => {
  const API_KEY = 'sim-secret-key-bad-audio';
  const AUDIO = { format: 'mp3', sampleRate: 32000, channels: 1, bitrate: 64000 } as const;
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;
  /** The text to answer with garbage once, and the garbage. */
  let target: { text: string; variant: BadAudioVariant; used: boolean } | undefined;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseAudioSimulator({
      apiKey: API_KEY,
      msPerChar: 3,
      faults: (_number, body) => {
        const text = (body as { text?: unknown } | undefined)?.text;
        if (target === undefined || target.used || text !== target.text) return undefined;
        target.used = true;
        return { kind: 'badAudio', variant: target.variant };
      },
    });
    env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '3',
      RETRY_ATTEMPTS: '4',
      // ~100-character segments may run 0.2 s/char + 2 s = ~22 s: the endless stream is cut there.
      SEGMENT_MAX_SECONDS_PER_CHAR: '0.2',
      SEGMENT_EXTRA_SECONDS: '2',
    });
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  const variants: BadAudioVariant[] = ['empty', 'wavForMp3', 'wrongRate', 'random', 'endless'];
  it.each(variants)(
    '%s once, then a good answer: the render completes with that segment synthesized again, and a re-render sends nothing',
    async (variant) => {
      const { plan, options } = env.plan(book(variant), AUDIO);
      expect(plan.segments).toHaveLength(3);
      const targetText = toSpeechText(plan.segments[1]?.text ?? '');
      target = { text: targetText, variant, used: false };
      const first = simulator.requests.length;

      await env.enqueue(`bad-${variant}`, plan, options);
      const manifest = await env.finish(`bad-${variant}`, 60_000);
      const sent: RecordedRequest[] = simulator.requests.slice(first);

      // The garbage was refused, not stored: the retry had to ask the provider again.
      expect(target.used, 'the garbage answer was sent').toBe(true);
      const forTarget = sent.filter((r) => r.text === targetText);
      expect(forTarget.map((r) => r.fault ?? 'none')).toEqual(['badAudio', 'none']);
      expect(sent, 'three segments, one of them twice').toHaveLength(4);
      expect(manifest.segments.map((s) => s.cached)).toEqual([false, false, false]);
      const billed = sent.filter((r) => r.outcome === 'completed').reduce((sum, r) => sum + (r.usageCharacters ?? 0), 0);
      expect(manifest.billedCharacters).toBe(billed);

      // The whole book is there: every segment's full speech, decoding cleanly.
      await expectCleanStitchedMp3(env, `bad-${variant}`, manifest.durationMs);
      const spokenMs = sent.filter((r) => r.outcome === 'completed').reduce((sum, r) => sum + (r.durationMs ?? 0), 0);
      expect(manifest.durationMs).toBeGreaterThanOrEqual(spokenMs);
      expect(manifest.durationMs - spokenMs, 'no more than encoder padding per segment').toBeLessThan(3 * 120);
      expect(await leftoverTempFiles(env.out), 'a refused answer leaves no temp file').toEqual([]);

      // The same book again: every segment cached, no request, the same audio.
      const before = simulator.requests.length;
      await env.enqueue(`bad-${variant}-again`, plan, options);
      const again = await env.finish(`bad-${variant}-again`, 60_000);
      expect(simulator.requests.length, 'a re-render sends no request').toBe(before);
      expect(again.cachedSegments).toBe(3);
      const digest = await mp3FrameDigest([join(env.out, `bad-${variant}`, 'audio.mp3')]);
      const digestAgain = await mp3FrameDigest([join(env.out, `bad-${variant}-again`, 'audio.mp3')]);
      expect(digestAgain.sha256).toBe(digest.sha256);
    },
  );
});
