import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../../src/audio/audio-settings.ts';
import { passThroughOrTranscode } from '../../../src/audio/transcode.ts';
import { decodeSegment } from '../../../src/master/decode-segment.ts';
import { synthWav } from '../../support/audio-synth.ts';
import { requireFfmpeg } from '../../support/ffmpeg.ts';
import { loudSpan } from '../../support/loud-span.ts';
import { MemoryStorage } from '../../support/memory-storage.ts';

const RATE = 24_000;
/** What the 302.AI client converts its downloads to by default (AI302_DEFAULT_AUDIO). */
const MP3_24K: AudioSettings = { format: 'mp3', sampleRate: RATE, channels: 1, bitrate: 64_000 };
/** 2 ms, the accuracy the subtitle aligner reaches on wav segments. */
const TOLERANCE = (2 * RATE) / 1000;
const THRESHOLD = 1_000;

/**
 * Like the 302.AI simulator's answer: silence, a burst of tone from 120 ms to 1,900 ms (10 ms
 * fades), silence to 2 s. Anything a decode puts before or after the audio moves the burst.
 */
const WAV = synthWav({
  durationMs: 2_000,
  sampleRate: RATE,
  channels: 1,
  frequencyHz: 1_000,
  fadeEnds: false,
  silences: [
    { atMs: 0, durationMs: 120 },
    { atMs: 1_900, durationMs: 100 },
  ],
});
const ORIGINAL = new Int16Array(WAV.buffer.slice(WAV.byteOffset + 44, WAV.byteOffset + WAV.length));

async function* chunksOf(bytes: Uint8Array, size = 8 * 1024): AsyncGenerator<Uint8Array, void, undefined> {
  for (let offset = 0; offset < bytes.length; offset += size) {
    await Promise.resolve();
    yield bytes.subarray(offset, offset + size);
  }
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}

function samplesOf(bytes: Buffer): Int16Array {
  const samples = new Int16Array(bytes.length >> 1);
  new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 2));
  return samples;
}

let tempDir: string;

beforeAll(async () => {
  await requireFfmpeg();
  tempDir = await mkdtemp(join(tmpdir(), 'tts-batch-decode-segment-'));
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe('decodeSegment', () => {
  it('decodes a wav the client converted to mp3 to the wav’s own samples: no priming at the head, no padding at the tail', async () => {
    const storage = new MemoryStorage({ chunkSize: 4096 });
    // Converted and stored as the 302.AI client stores a download it asked for as mp3.
    storage.set('segments/0000.mp3', new Uint8Array(await collect(passThroughOrTranscode(chunksOf(WAV), MP3_24K, { inputFormat: 'wav' }))));
    const decoded = samplesOf(
      await collect(
        decodeSegment({ storage, key: 'segments/0000.mp3', position: 0, segmentAudio: MP3_24K, sampleRate: RATE, channels: 1, tempDir }),
      ),
    );

    const truth = loudSpan(ORIGINAL, THRESHOLD);
    const heard = loudSpan(decoded, THRESHOLD);
    if (truth === null || heard === null) throw new Error('no burst found');
    const ms = (samples: number): string => `${((samples * 1000) / RATE).toFixed(1)} ms`;
    expect(
      Math.abs(heard.first - truth.first),
      `burst starts at ${ms(heard.first)} decoded, ${ms(truth.first)} in the wav (priming left in?)`,
    ).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(heard.last - truth.last), `burst ends at ${ms(heard.last)} decoded, ${ms(truth.last)} in the wav`).toBeLessThanOrEqual(
      TOLERANCE,
    );
    // Gapless: every sample of the wav and nothing else, so back-to-back segments add no silence at their seams.
    expect(decoded.length, `${decoded.length - ORIGINAL.length} samples more than the wav (priming + padding)`).toBe(ORIGINAL.length);
    expect(await readdir(tempDir), 'the segment’s temp copy is removed').toEqual([]);
  });
});
