import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/render/manifest.ts';
import { espeakDefinition } from '../../src/providers/espeak/definition.ts';
import { DEFAULT_PAUSE_RULES, resolvePauseRules, type PauseRules } from '../../src/text/pause-rules.ts';
import { ffmpegDecode, ffmpegSilences, ffprobeDurationSeconds, requireFfmpeg, type DetectedSilence } from '../support/ffmpeg.ts';
import { startEspeakFaultShim, type EspeakFaultShim } from '../support/harnesses/espeak.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';

/** Two chapters of several paragraphs: every kind of place the join pauses at. */
const BOOK = [
  'Chapter 1: The Harbour',
  '',
  'The harbour was still wrapped in fog when the first boat came in. Nobody on the quay said a word.',
  '',
  'She spread the old map across the table.',
  '',
  'It rained all night, and by morning the gutters were overflowing.',
  '',
  'Chapter 2: The Lighthouse',
  '',
  'The lighthouse swept the water in slow circles, as if it were counting something.',
  '',
  'That winter was the coldest anyone could remember.',
  '',
].join('\n');

/** The silence ffmpeg finds around the middle of the pause after segment `i` (between its audio and the next). */
function silenceAfter(manifest: Manifest, silences: readonly DetectedSilence[], i: number): DetectedSilence | undefined {
  const segment = manifest.segments[i];
  const next = manifest.segments[i + 1];
  if (segment === undefined || next === undefined) return undefined;
  const middle = (segment.startMs + segment.durationMs + next.startMs) / 2000;
  return silences.find((s) => s.startSeconds <= middle && middle <= s.endSeconds);
}

/**
 * Real speech (espeak-ng) through the real flow: the encoded output has at least each rule's
 * silence at each place of the book's structure, and a re-render with other pauses comes from
 * the cache (no provider call) with the new pauses in the audio.
 */
describe('pauses by the structure of the book (espeak-ng, issue 11 item 1)', () => {
  let shim: EspeakFaultShim;
  let env: RenderEnv;

  beforeAll(async () => {
    await requireFfmpeg();
    shim = await startEspeakFaultShim();
    env = await startRenderEnv(espeakDefinition, { ESPEAK_NG_PATH: shim.path, WORKER_CONCURRENCY: '2' });
  });

  afterAll(async () => {
    await env?.close();
    await shim?.close();
  });

  async function renderAndMeasure(id: string, pauses: Readonly<PauseRules>) {
    // MP3 segments, as before espeak's default became WAV: the raw join's frames are measured here.
    const { plan, options } = env.plan(BOOK, { format: 'mp3', bitrate: 64000 }, pauses);
    await env.enqueue(id, plan, options);
    const manifest = await env.finish(id, 120_000);
    const path = join(env.out, id, 'audio.mp3');
    expect((await ffmpegDecode(path)).errors).toBe('');
    const totalSeconds = await ffprobeDurationSeconds(path);
    const silences = await ffmpegSilences(path, { noiseDb: -50, minSeconds: 0.2 });
    const length = (s: DetectedSilence | undefined): number =>
      s === undefined ? 0 : Math.min(s.endSeconds, totalSeconds) * 1000 - s.startSeconds * 1000;
    const measured = plan.segments.slice(0, -1).map((segment, i) => ({
      boundary: segment.boundary,
      ms: length(silenceAfter(manifest, silences, i)),
    }));
    const head = silences[0]?.startSeconds === 0 ? length(silences[0]) : 0;
    // silencedetect may close the last silence a frame or two before the end (the decoder's padding).
    const last = silences.at(-1);
    const tail = last !== undefined && Math.min(last.endSeconds, totalSeconds) >= totalSeconds - 0.1 ? length(last) : 0;
    return { plan, manifest, measured, head, tail };
  }

  function expectPauses(result: Awaited<ReturnType<typeof renderAndMeasure>>, pauses: Readonly<PauseRules>): void {
    const { plan, manifest, measured, head, tail } = result;
    expect(plan.segments.map((s) => s.boundary)).toEqual(['heading', 'paragraph', 'paragraph', 'chapter', 'heading', 'paragraph', 'tail']);
    for (const { boundary, ms } of measured) {
      if (boundary === 'tail') continue;
      expect(ms, `silence at a ${boundary} end`).toBeGreaterThanOrEqual(pauses[boundary]);
    }
    expect(head, 'silence at the head').toBeGreaterThanOrEqual(pauses.head);
    expect(tail, 'silence at the tail').toBeGreaterThanOrEqual(pauses.tail);
    // The manifest says what the join inserted: whole frames covering each rule, and the head.
    expect(manifest.pauseBeforeMs ?? 0).toBeGreaterThanOrEqual(pauses.head);
    manifest.segments.forEach((segment, i) => {
      const boundary = plan.segments[i]?.boundary ?? 'tail';
      expect(segment.pauseAfterMs ?? 0).toBeGreaterThanOrEqual(pauses[boundary]);
      expect(segment.pauseReason).toBe(pauses[boundary] > 0 ? boundary : undefined);
    });
  }

  it('has at least the default silence at every paragraph end, after each heading, before chapter 2, at the head and tail', async () => {
    const result = await renderAndMeasure('structure', DEFAULT_PAUSE_RULES);
    expectPauses(result, DEFAULT_PAUSE_RULES);
    expect(shim.calls()).toHaveLength(result.plan.segments.length);
  });

  it('re-renders with other pauses from the cache: no provider call, the new pauses in the audio', async () => {
    const before = shim.calls().length;
    const pauses = resolvePauseRules('pauses', { paragraph: 1500, heading: 300, chapter: 3000, head: 1000, tail: 3000 });
    const result = await renderAndMeasure('restructured', pauses);
    expect(shim.calls().length, 'no provider call').toBe(before);
    expect(result.manifest.cachedSegments).toBe(result.plan.segments.length);
    expect(result.manifest.billedCharacters).toBe(0);
    expectPauses(result, pauses);
  });
});
