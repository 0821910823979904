import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../../src/audio/audio-settings.ts';
import { DECODE_READ_BYTES } from '../../../src/master/decode-file.ts';
import { decodeSegment } from '../../../src/master/decode-segment.ts';
import { requireFfmpeg } from '../../support/ffmpeg.ts';
import { MemoryStorage } from '../../support/memory-storage.ts';

const run = promisify(execFile);
const RATE = 24_000;
const MP3: AudioSettings = { format: 'mp3', sampleRate: RATE, channels: 1, bitrate: 64_000 };
const KEY = 'segments/0000.mp3';

let tempDir: string;
let storage: MemoryStorage;

beforeAll(async () => {
  await requireFfmpeg();
  tempDir = await mkdtemp(join(tmpdir(), 'tts-batch-decode-reads-'));
  const mp3 = join(tempDir, 'source.mp3');
  // 20 s of noise: 960,000 bytes of s16le, a few reads' worth, and different at every sample.
  const source = `anoisesrc=seed=3:amplitude=0.3:sample_rate=${RATE}:duration=20`;
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '64k', mp3]);
  storage = new MemoryStorage();
  storage.set(KEY, await readFile(mp3));
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

function decode(work: string, buffer?: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  return decodeSegment({ storage, key: KEY, position: 0, segmentAudio: MP3, sampleRate: RATE, channels: 1, tempDir: work, buffer });
}

/**
 * Issue 11, master.memory: streamed from ffmpeg's stdout, an MP3 segment came in pipe reads of one
 * frame each (1,152 bytes at 24 kHz mono; at most 64 KiB), each a fresh Buffer: ~1.7 GB of
 * garbage for a 10-hour book, and a peak RSS that grew with the book (94 MB for 1 hour, 136 MB for
 * 10). Decoded to a temp file and read back into the assembly's buffer, it comes in whole reads
 * of DECODE_READ_BYTES, all views of that one buffer, with the same samples.
 */
describe('decodeSegment reads', () => {
  it('yields an MP3 segment in whole reads of the given buffer, sample for sample what it decodes to on its own', async () => {
    const work = await mkdtemp(join(tempDir, 'work-'));
    const owned: Uint8Array[] = [];
    for await (const chunk of decode(work)) owned.push(chunk);
    const expected = Buffer.concat(owned);

    const buffer = new Uint8Array(DECODE_READ_BYTES);
    const sizes: number[] = [];
    const copied: Buffer[] = [];
    let views = 0;
    for await (const chunk of decode(work, buffer)) {
      sizes.push(chunk.length);
      if (chunk.buffer === buffer.buffer && chunk.byteOffset === 0) views += 1;
      // Valid only until the next is pulled: copied now.
      copied.push(Buffer.from(chunk));
    }

    expect(expected.length).toBe(20 * RATE * 2);
    expect(Buffer.concat(copied).equals(expected)).toBe(true);
    const reads = Math.ceil(expected.length / DECODE_READ_BYTES);
    expect(sizes).toEqual([
      ...Array.from({ length: reads - 1 }, () => DECODE_READ_BYTES),
      expected.length - (reads - 1) * DECODE_READ_BYTES,
    ]);
    expect(views).toBe(reads);
    // Without a buffer, every chunk is its own: a caller may keep them.
    expect(new Set(owned.map((chunk) => chunk.buffer)).size).toBe(owned.length);
    // The copy and its decoded file are gone.
    expect(await readdir(work)).toEqual([]);
  });
});
