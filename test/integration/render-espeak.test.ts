import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderPlan } from '../../src/producer/plan.ts';
import type { RenderOptions } from '../../src/producer/render-options.ts';
import { espeakDefinition } from '../../src/providers/espeak/definition.ts';
import { ffmpegDecode, ffprobeChapters, ffprobeDurationSeconds, requireFfmpeg } from '../support/ffmpeg.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';
import { startEspeakFaultShim, type EspeakFaultShim } from '../support/harnesses/espeak.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { seededRandom } from '../support/seeded-random.ts';

const SENTENCES = [
  'The harbour was still wrapped in fog when the first boat came in.',
  'She spread the old map across the table and circled three places in pencil.',
  'It rained all night, and by morning the gutters were overflowing.',
  'He did not answer; he simply read the letter one more time.',
  'The lighthouse swept the water in slow circles, as if it were counting something.',
  'That winter was the coldest anyone could remember.',
  'The children sat around the fire, listening to stories about the mountains.',
  'A wind came down from the north, smelling of pine and wet earth.',
  'The bell struck seven, and the courtyard fell silent.',
  'The corner shop was still lit, and the owner was wiping down the counter.',
  'They pushed the boat into the water just as the moon came out.',
  'The tea had gone cold, yet no one got up to make more.',
  'Salt & pepper stood on the sill, next to a jar of buttons.',
];
const TITLES = ['The Harbour', 'An Old Map', 'Rain', 'The Lighthouse'];

/** Four English chapters of about 750 characters, with a pause tag and an ampersand: ~3,000 characters. */
function englishBook(seed: number): string {
  const random = seededRandom(seed);
  const chapters = TITLES.map((title, index) => {
    const paragraphs: string[] = [];
    let size = 0;
    while (size < 700) {
      const count = 2 + Math.floor(random() * 3);
      const sentences = Array.from({ length: count }, () => SENTENCES[Math.floor(random() * SENTENCES.length)] ?? '');
      const paragraph = sentences.join(paragraphs.length === 1 && index === 0 ? ' <break time=600> ' : ' ');
      paragraphs.push(paragraph);
      size += paragraph.length + 2;
    }
    return `Chapter ${index + 1}: ${title}\n\n${paragraphs.join('\n\n')}`;
  });
  return `${chapters.join('\n\n')}\n`;
}

function words(text: string): number {
  return text
    .replace(/<break[^>]*>/g, ' ')
    .split(/\s+/)
    .filter((word) => /\w/.test(word)).length;
}

/**
 * The keyless quick start, end to end: a small English book through the real flow on real
 * Redis, spoken by the real espeak-ng behind the fault shim, which crashes one call, cuts one
 * mid-audio and returns nothing from another. The result must be one clean mp3 whose chapters
 * last as long as their words take to say.
 */
describe('render pipeline (espeak-ng, with process faults)', () => {
  let shim: EspeakFaultShim;
  let env: RenderEnv;
  let plan: RenderPlan;
  let options: RenderOptions;
  let book: string;

  beforeAll(async () => {
    await requireFfmpeg();
    shim = await startEspeakFaultShim();
    shim.setPlan([undefined, 'crash', 'cut', undefined, 'empty']);
    env = await startRenderEnv(espeakDefinition, {
      ESPEAK_NG_PATH: shim.path,
      WORKER_CONCURRENCY: '2',
      RETRY_ATTEMPTS: '5',
      RETRY_BACKOFF_MS: '10',
    });
    book = englishBook(11);
    // MP3 segments, as this test compares frames (espeak's default segments are WAV).
    ({ plan, options } = env.plan(book, { format: 'mp3', bitrate: 64000 }));
  });

  afterAll(async () => {
    await env?.close();
    await shim?.close();
  });

  it('renders a clean mp3 with every segment spoken once, in order, and chapters of a plausible length', async () => {
    expect(book.length).toBeGreaterThan(2_800);
    expect(plan.chapters.map((c) => c.title)).toEqual(TITLES.map((title, i) => `Chapter ${i + 1}: ${title}`));
    await env.enqueue('espeak-book', plan, options);
    const manifest = await env.finish('espeak-book', 60_000);
    expect(manifest.provider).toBe('espeak');
    expect(manifest.voice).toBe('en-us');
    expect(manifest.segments).toHaveLength(plan.segments.length);
    expect(manifest.billedCharacters, 'espeak bills nothing').toBe(0);

    // The faults happened, and each segment was finally spoken by exactly one clean call.
    const calls = shim.calls();
    expect(calls.filter((call) => call.fault !== undefined).map((call) => call.fault)).toEqual(['crash', 'cut', 'empty']);
    expect(calls.filter((call) => call.fault === undefined)).toHaveLength(plan.segments.length);

    // Order: the stitched frames are exactly the segments' frames, in plan order.
    const expected = await mp3FrameDigest(await env.segmentPaths('espeak-book'));
    const audioPath = join(env.out, 'espeak-book', 'audio.mp3');
    const actual = await mp3FrameDigest([audioPath]);
    expect(actual.frames).toBe(expected.frames);
    expect(actual.sha256).toBe(expected.sha256);

    const decoded = await ffmpegDecode(audioPath);
    expect(decoded.errors, 'ffmpeg full decode must print nothing').toBe('');
    expect(Math.abs((await ffprobeDurationSeconds(audioPath)) * 1000 - manifest.durationMs)).toBeLessThan(100);

    // Chapters: in the file as ID3 chapters, and each as long as its words take espeak to say
    // (about 230 words a minute on this prose; 120–320 leaves room for headings and pauses).
    const probed = await ffprobeChapters(audioPath);
    expect(probed.map((c) => c.title)).toEqual(manifest.chapters.map((c) => c.title));
    manifest.chapters.forEach((chapter, i) => {
      const endMs = manifest.chapters[i + 1]?.startMs ?? manifest.durationMs;
      const chapterText = plan.segments
        .filter((s) => s.chapter === i)
        .map((s) => s.text)
        .join(' ');
      const minutes = (endMs - chapter.startMs) / 60_000;
      const pace = words(chapterText) / minutes;
      expect(pace, `words per minute in "${chapter.title}"`).toBeGreaterThan(120);
      expect(pace, `words per minute in "${chapter.title}"`).toBeLessThan(320);
    });
  });
});
