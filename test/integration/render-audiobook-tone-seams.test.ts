import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../src/render/manifest.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { ffmpegDecodeSamples, requireFfmpeg } from '../support/ffmpeg.ts';
import { runCli } from '../support/run-cli.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

const BOOK = [
  '# Chapter One',
  '',
  'The tone goes on and on without a break.',
  '',
  'A second paragraph keeps it going.',
  '',
  '# Chapter Two',
  '',
  'Short.',
  '',
  'A longer paragraph that runs for a while before it ends, so its segment is long.',
  '',
  '# Chapter Three',
  '',
  'The last words.',
  '',
].join('\n');

/** No structural pause anywhere between segments: every inner seam is back to back. */
const NO_PAUSES = 'paragraph=0,heading=0,chapter=0,head=0,tail=0';
/** How far from a seam's counted start a hole is looked for (the frame copies' lie ~50 ms early). */
const WINDOW_MS = 100;
/**
 * Digital silence is exact zero. A dropout's decoded encoder priming is mostly near zero
 * rather than exactly (the frame-copied join below: 0.3–19 ms exact, 31–62 ms within ±16), so
 * the scan is also run with |sample| ≤ 16 (−66 dBFS), which only ever finds longer runs.
 */
const NEAR_ZERO = 16;

/** The longest run of samples within ±quiet of zero in samples[from, to). */
function longestQuietRun(samples: Int16Array, from: number, to: number, quiet: number): number {
  let longest = 0;
  let run = 0;
  for (let i = Math.max(0, from); i < Math.min(samples.length, to); i++) {
    run = Math.abs(samples[i] ?? 0) <= quiet ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

function edgeQuiet(samples: Int16Array, end: 'head' | 'tail', quiet: number): number {
  let count = 0;
  while (count < samples.length && Math.abs(samples[end === 'head' ? count : samples.length - 1 - count] ?? 0) <= quiet) count++;
  return count;
}

interface SeamReport {
  /** Silence (exact zero) at each inner seam that the two segments around it do not hold themselves, ms. */
  extraMs: number[];
  /** The same for samples within ±NEAR_ZERO. */
  extraNearMs: number[];
}

/**
 * The longest quiet run near each inner seam of the book, less what the two segments (each
 * decoded alone, at the book's rate) bring themselves: the quiet samples ending the one before
 * plus those starting the one after, or a longer run inside either near the seam.
 */
async function seamSilences(bookPath: string, out: string): Promise<SeamReport> {
  const manifest = JSON.parse(await readFile(join(dirname(bookPath), 'manifest.json'), 'utf8')) as Manifest;
  const { sampleRate } = manifest;
  const mono = ['-ar', String(sampleRate), '-ac', '1'];
  const book = await ffmpegDecodeSamples(bookPath, [], mono);
  expect(book.errors).toBe('');
  const segments = await Promise.all(manifest.segments.map((segment) => ffmpegDecodeSamples(join(out, segment.key), [], mono)));
  const window = Math.round((WINDOW_MS * sampleRate) / 1000);
  for (const segment of segments) expect(segment.errors).toBe('');
  const extra = (quiet: number): number[] =>
    manifest.segments.slice(1).map((segment, index) => {
      const before = segments[index]?.samples ?? new Int16Array(0);
      const after = segments[index + 1]?.samples ?? new Int16Array(0);
      const seam = Math.round((segment.startMs * sampleRate) / 1000);
      const found = longestQuietRun(book.samples, seam - window, seam + window, quiet);
      const own = Math.max(
        edgeQuiet(before, 'tail', quiet) + edgeQuiet(after, 'head', quiet),
        longestQuietRun(before, before.length - window, before.length, quiet),
        longestQuietRun(after, 0, window, quiet),
      );
      return (Math.max(0, found - own) * 1000) / sampleRate;
    });
  return { extraMs: extra(0), extraNearMs: extra(NEAR_ZERO) };
}

/**
 * Issue 11, "Done when": the MP3 of the default `audiobook` profile over a continuous-tone
 * render has no inner seam with more than 5 ms of digital silence the segments did not hold.
 * The same segments joined frame for frame (`--profile raw`) show the dropout the issue
 * measured, which is what proves the scan would see one.
 */
describe('audiobook MP3 seams over a continuous tone (CLI, SenseAudio simulator)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('tone-seams');
  const API_KEY = 'sim-key-tone-seams';
  let simulator: SenseAudioSimulator;
  let dir: string;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 12, tone: 'continuous' });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-tone-seams-'));
    await writeFile(join(dir, 'book.txt'), BOOK);
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function render(out: string, extra: readonly string[]): Promise<string> {
    const result = await runCli(
      ['render', join(dir, 'book.txt'), '--provider', 'senseaudio', '--local', '--out', out, '--pauses', NO_PAUSES, ...extra],
      { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url, LOG_LEVEL: 'silent' },
    );
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.trim().split('\n').at(-1) ?? '';
  }

  it('leaves no inner seam with more than 5 ms of digital silence the segments did not contain', async () => {
    const out = join(dir, 'out');
    const bookPath = await render(out, []);
    expect(bookPath).toMatch(/\.mp3$/);
    const manifest = JSON.parse(await readFile(join(dirname(bookPath), 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest).toMatchObject({ profile: 'audiobook', format: 'mp3', segmentAudio: { format: 'mp3' } });
    expect(manifest.segments.length).toBe(8);
    expect(manifest.segments.every((segment) => segment.pauseAfterMs === undefined || segment.index === 7)).toBe(true);

    const mastered = await seamSilences(bookPath, out);
    expect(mastered.extraMs).toHaveLength(7);
    expect(Math.max(...mastered.extraMs), `extra digital silence per seam, ms: ${mastered.extraMs.join(', ')}`).toBeLessThanOrEqual(5);
    expect(Math.max(...mastered.extraNearMs), `extra near-silence per seam, ms: ${mastered.extraNearMs.join(', ')}`).toBeLessThanOrEqual(5);

    // The control: the same cached segments joined frame for frame keep every seam's priming
    // and padding, and the scan sees each of those holes.
    const rawPath = await render(out, ['--profile', 'raw']);
    const copied = await seamSilences(rawPath, out);
    expect(Math.min(...copied.extraNearMs), `raw join's extra near-silence per seam, ms: ${copied.extraNearMs.join(', ')}`).toBeGreaterThan(
      5,
    );
  });
});
