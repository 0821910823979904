import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { stitch } from '../../src/stitcher/stitch.ts';
import { synthMp3, synthPcm, synthWav } from '../support/audio-synth.ts';
import { concatBytes } from '../support/concat-bytes.ts';
import { ffmpegDecodeSamples, ffmpegSilences, requireFfmpeg } from '../support/ffmpeg.ts';

let root = '';
let storage: LocalStorage;
let run = 0;

beforeAll(async () => {
  await requireFfmpeg();
  root = await mkdtemp(join(tmpdir(), 'tts-batch-head-'));
  storage = new LocalStorage(root);
});

afterAll(async () => {
  if (root !== '') await rm(root, { recursive: true, force: true });
});

async function onDisk(segments: readonly Uint8Array[], extension: string): Promise<string[]> {
  run += 1;
  return Promise.all(
    segments.map(async (bytes, index) => {
      const key = `run${run}/segments/${index}.${extension}`;
      await storage.put(
        key,
        (async function* () {
          yield await Promise.resolve(bytes);
        })(),
      );
      return key;
    }),
  );
}

const pathOf = (key: string): string => join(root, ...key.split('/'));

describe('stitch: silence before the first segment (the head, issue 11 item 1)', () => {
  it('mp3: whole silent frames before segment 0, counted in every start and the total, heard as silence', async () => {
    const audio = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;
    const keys = await onDisk(
      [synthMp3({ ...audio, durationMs: 900, frequencyHz: 300, xing: true }), synthMp3({ ...audio, durationMs: 600, frequencyHz: 500 })],
      'mp3',
    );
    const plain = await stitch({ storage, segmentKeys: keys, audio, outputKey: `run${run}/plain.mp3` });
    // 750 ms is 31.25 frames of 24 ms: 32 frames, 768 ms.
    const outputKey = `run${run}/head.mp3`;
    const headed = await stitch({ storage, segmentKeys: keys, audio, outputKey, pauseBeforeMs: 750, pausesAfterMs: [0, 2000] });
    expect(plain.pauseBeforeMs).toBe(0);
    expect(headed.pauseBeforeMs).toBe(768);
    expect(headed.segments.map((s) => s.startMs)).toEqual(plain.segments.map((s) => s.startMs + 768));
    expect(headed.durationMs).toBe(plain.durationMs + 768 + 2016);
    const path = pathOf(outputKey);
    expect((await ffmpegDecodeSamples(path)).errors).toBe('');
    const silences = await ffmpegSilences(path, { minSeconds: 0.3 });
    expect(silences[0]?.startSeconds).toBe(0);
    // The decoder's lead-in (encoder delay + 529 samples) makes the head a little longer than inserted.
    expect(silences[0]?.endSeconds ?? 0).toBeGreaterThanOrEqual(0.75);
    expect(silences[0]?.endSeconds ?? 0).toBeLessThan(0.768 + 0.1);
    const tail = silences.at(-1);
    const tailEnd = Math.min(tail?.endSeconds ?? 0, headed.durationMs / 1000);
    expect(tailEnd - (tail?.startSeconds ?? 0), 'the 2,016 ms after the last segment').toBeGreaterThanOrEqual(2.0);
  });

  it('wav and pcm: exactly the zero samples asked for, before the first sample of segment 0', async () => {
    const mono = { sampleRate: 16000, channels: 1 } as const;
    const wavSegments = [
      synthWav({ ...mono, durationMs: 300, frequencyHz: 300 }),
      synthWav({ ...mono, durationMs: 200, frequencyHz: 500 }),
    ];
    const wavKeys = await onDisk(wavSegments, 'wav');
    const wavKey = `run${run}/head.wav`;
    // 500.01 ms is 8,000.16 samples: 8,001 of them.
    const wav = await stitch({
      storage,
      segmentKeys: wavKeys,
      audio: { format: 'wav', ...mono },
      outputKey: wavKey,
      pauseBeforeMs: 500.01,
    });
    expect(wav.pauseBeforeMs).toBe(8001 / 16);
    expect(wav.segments.map((s) => s.startMs)).toEqual([8001 / 16, 8001 / 16 + 300]);
    const wavFile = new Uint8Array(await readFile(pathOf(wavKey)));
    const payloads = wavSegments.map((bytes) => bytes.subarray(44));
    expect(Buffer.from(wavFile.subarray(44)).equals(Buffer.from(concatBytes([new Uint8Array(8001 * 2), ...payloads])))).toBe(true);
    expect(new DataView(wavFile.buffer, wavFile.byteOffset).getUint32(40, true), 'data size counts the head').toBe(wavFile.length - 44);

    const pcmSegments = [synthPcm({ ...mono, durationMs: 300, frequencyHz: 300 })];
    const pcmKeys = await onDisk(pcmSegments, 'pcm');
    const pcmKey = `run${run}/head.pcm`;
    const pcm = await stitch({ storage, segmentKeys: pcmKeys, audio: { format: 'pcm', ...mono }, outputKey: pcmKey, pauseBeforeMs: 250 });
    expect([pcm.pauseBeforeMs, pcm.segments[0]?.startMs, pcm.durationMs]).toEqual([250, 250, 550]);
    const pcmFile = new Uint8Array(await readFile(pathOf(pcmKey)));
    expect(Buffer.from(pcmFile).equals(Buffer.from(concatBytes([new Uint8Array(4000 * 2), ...pcmSegments])))).toBe(true);
  });

  it('refuses a head that is not a pause length, before writing anything', async () => {
    const keys = await onDisk([synthPcm({ sampleRate: 16000, channels: 1, durationMs: 50 })], 'pcm');
    const outputKey = `run${run}/refused.pcm`;
    const failure = stitch({
      storage,
      segmentKeys: keys,
      audio: { format: 'pcm', sampleRate: 16000, channels: 1 },
      outputKey,
      pauseBeforeMs: -5,
    });
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toThrow(/^pauseBeforeMs: must be a number of milliseconds from 0 to 60000$/);
    expect(await storage.head(outputKey)).toBeNull();
  });
});
