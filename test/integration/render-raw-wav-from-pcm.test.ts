import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../src/render/manifest.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { concatBytes } from '../support/concat-bytes.ts';
import { ffmpegDecodeSamples, requireFfmpeg } from '../support/ffmpeg.ts';
import { runCli } from '../support/run-cli.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

/** Two chapters, each a heading and paragraphs: every kind of structural pause occurs. */
const BOOK = [
  '# The First Chapter',
  '',
  'A first paragraph that says a little.',
  '',
  'A second paragraph, to end the chapter.',
  '',
  '# The Second Chapter',
  '',
  'The last paragraph of the book.',
  '',
].join('\n');

/** Values no default has and that do not all fall on whole milliseconds of the rate's samples. */
const RULES = { paragraph: 310, heading: 470, chapter: 1130, head: 230, tail: 590 } as const;
const PAUSES = Object.entries(RULES)
  .map(([rule, ms]) => `${rule}=${ms}`)
  .join(',');

const samplesOf = (ms: number, sampleRate: number): number => Math.ceil((ms * sampleRate) / 1000 - 1e-9);

function ascii(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

/**
 * Issue 11, "Done when": `--profile raw --format wav` from PCM segments writes the segments'
 * own samples with exactly the configured pauses between them, sample for sample. The
 * segments are read back from storage (the provider's bytes) and the pauses come from the
 * rules given on the command line, by the reason the manifest names for each place.
 */
describe('raw WAV from PCM segments (CLI, SenseAudio simulator)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('raw-wav-pcm');
  const API_KEY = 'sim-key-raw-wav';
  let simulator: SenseAudioSimulator;
  let dir: string;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 8 });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-raw-wav-pcm-'));
    await writeFile(join(dir, 'book.txt'), BOOK);
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the segments’ samples and zero samples of each configured pause, nothing else', async () => {
    const out = join(dir, 'out');
    const result = await runCli(
      [
        'render',
        join(dir, 'book.txt'),
        '--provider',
        'senseaudio',
        '--local',
        '--out',
        out,
        '--profile',
        'raw',
        '--format',
        'wav',
        '--segment-format',
        'pcm',
        '--pauses',
        PAUSES,
      ],
      { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url, LOG_LEVEL: 'silent' },
    );
    expect(result.code, result.stderr).toBe(0);
    const bookPath = result.stdout.trim().split('\n').at(-1) ?? '';
    expect(bookPath).toMatch(/\.wav$/);
    const manifest = JSON.parse(await readFile(join(dirname(bookPath), 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest).toMatchObject({ profile: 'raw', format: 'wav', segmentAudio: { format: 'pcm' } });
    const { sampleRate, channels } = manifest.segmentAudio;
    const frameBytes = 2 * channels;
    expect(manifest.segments.length).toBe(5);

    // What the book must be: the head, then each stored segment (raw s16le: no header to strip)
    // followed by its pause's zero samples, the length the rule for its reason asks.
    const expectedParts: Uint8Array[] = [new Uint8Array(samplesOf(RULES.head, sampleRate) * frameBytes)];
    const reasons: string[] = [];
    for (const segment of manifest.segments) {
      const stored = new Uint8Array(await readFile(join(out, segment.key)));
      expect(ascii(stored, 0), `${segment.key} is raw pcm, as asked`).not.toBe('RIFF');
      expect(stored.length % frameBytes).toBe(0);
      const reason = segment.pauseReason ?? 'none';
      reasons.push(reason);
      const ruleMs = reason === 'none' ? 0 : RULES[reason as keyof typeof RULES];
      expect(ruleMs, `a rule for ${reason}`).toBeDefined();
      expectedParts.push(stored, new Uint8Array(samplesOf(ruleMs, sampleRate) * frameBytes));
    }
    expect(reasons).toEqual(['heading', 'paragraph', 'chapter', 'heading', 'tail']);
    const expected = concatBytes(expectedParts);

    // The file: a plain 44-byte RIFF header with the real sizes, then exactly those bytes.
    const file = new Uint8Array(await readFile(bookPath));
    const view = new DataView(file.buffer, file.byteOffset, file.length);
    expect([ascii(file, 0), ascii(file, 8), ascii(file, 12), ascii(file, 36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint32(4, true), 'RIFF size').toBe(file.length - 8);
    expect(view.getUint16(20, true), 'format tag: PCM').toBe(1);
    expect(view.getUint16(22, true)).toBe(channels);
    expect(view.getUint32(24, true)).toBe(sampleRate);
    expect(view.getUint16(34, true), 'bits per sample').toBe(16);
    expect(view.getUint32(40, true), 'data size').toBe(expected.length);
    expect(file.length).toBe(44 + expected.length);
    const payload = file.subarray(44);
    const firstDifference = payload.findIndex((byte, index) => byte !== expected[index]);
    expect(firstDifference, 'first byte where the data differs from segments + pauses').toBe(-1);

    // A player reads the same samples.
    const decoded = await ffmpegDecodeSamples(bookPath);
    expect(decoded.errors).toBe('');
    expect(Buffer.from(decoded.samples.buffer).equals(Buffer.from(expected))).toBe(true);
    expect(manifest.bytes).toBe(file.length);
    expect(manifest.durationMs).toBeCloseTo((expected.length / frameBytes / sampleRate) * 1000, 0);
  });
});
