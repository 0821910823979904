import { beforeAll, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../../src/audio/audio-settings.ts';
import { AudioFormatError } from '../../../src/errors/audio-format-error.ts';
import { stitch } from '../../../src/stitcher/stitch.ts';
import { stitchPcmAsWav } from '../../../src/stitcher/pcm-to-wav.ts';
import { synthPcm, synthWav } from '../../support/audio-synth.ts';
import { ffmpegDecode, ffprobeDurationSeconds, requireFfmpeg, withTempFile } from '../../support/ffmpeg.ts';
import { MemoryStorage } from '../../support/memory-storage.ts';
import { concatBytes } from '../../support/concat-bytes.ts';

const STEREO_16K: AudioSettings = { format: 'pcm', sampleRate: 16000, channels: 2 };

function storageWith(segments: readonly Uint8Array[], chunkSize = 4096): { storage: MemoryStorage; keys: string[] } {
  const storage = new MemoryStorage({ chunkSize });
  const keys = segments.map((bytes, index) => {
    const key = `segments/${index}.pcm`;
    storage.set(key, bytes);
    return key;
  });
  return { storage, keys };
}

beforeAll(async () => {
  await requireFfmpeg();
});

describe('stitch (pcm)', () => {
  it('concatenates raw segments, strips a WAV header that a provider put on its “pcm”, drops a stray half sample', async () => {
    const options = { sampleRate: 16000, channels: 2 } as const;
    const raw1 = synthPcm({ ...options, durationMs: 500, frequencyHz: 300 });
    const asWav = synthWav({ ...options, durationMs: 250, frequencyHz: 500 });
    const raw3 = synthPcm({ ...options, durationMs: 750, frequencyHz: 700 });
    const segments = [concatBytes([raw1, Uint8Array.of(1, 2, 3)]), asWav, raw3];
    const { storage, keys } = storageWith(segments, 1003);
    const result = await stitch({ storage, segmentKeys: keys, audio: STEREO_16K, outputKey: 'book.pcm' });
    const file = storage.objects.get('book.pcm') ?? new Uint8Array(0);
    const expected = concatBytes([raw1, asWav.subarray(44), raw3]);
    expect(Buffer.from(file).equals(Buffer.from(expected)), 'output is the three sample payloads, nothing else').toBe(true);
    expect(result.segments.map((segment) => [segment.startMs, segment.durationMs, segment.bytes])).toEqual([
      [0, 500, 32000],
      [500, 250, 16000],
      [750, 750, 48000],
    ]);
    expect(result).toMatchObject({ durationMs: 1500, bytes: expected.length, sampleRate: 16000, channels: 2 });
    expect(storage.contentTypes.get('book.pcm')).toBe('audio/L16');
    await withTempFile(file, 'pcm', async (path) => {
      const input = ['-f', 's16le', '-ar', '16000', '-ac', '2'];
      expect(await ffprobeDurationSeconds(path, input)).toBeCloseTo(1.5, 3);
      const decoded = await ffmpegDecode(path, input);
      expect(decoded.errors).toBe('');
      expect(decoded.pcmBytes).toBe(expected.length);
    });
  });

  it('refuses an embedded WAV header that disagrees with the render', async () => {
    const { storage, keys } = storageWith([
      synthPcm({ sampleRate: 16000, channels: 2, durationMs: 100 }),
      synthWav({ sampleRate: 16000, channels: 1, durationMs: 100 }),
    ]);
    const failure = stitch({ storage, segmentKeys: keys, audio: STEREO_16K, outputKey: 'out.pcm' });
    await expect(failure).rejects.toBeInstanceOf(AudioFormatError);
    await expect(failure).rejects.toThrow(
      /segment 1 \(segments\/1\.pcm\) carries a WAV header saying 16000 Hz, 1 channel.*asks for 16000 Hz, 2 channels/,
    );
    expect(storage.objects.has('out.pcm')).toBe(false);
  });

  it('refuses a segment without a whole sample frame', async () => {
    const { storage, keys } = storageWith([synthPcm({ sampleRate: 16000, channels: 2, durationMs: 100 }), Uint8Array.of(1, 2, 3)]);
    await expect(stitch({ storage, segmentKeys: keys, audio: STEREO_16K, outputKey: 'out.pcm' })).rejects.toThrow(
      /segment 1 .* holds no audio samples/,
    );
    expect(storage.objects.has('out.pcm')).toBe(false);
  });
});

describe('stitch (pcm segments into wav)', () => {
  function header(file: Uint8Array) {
    const view = new DataView(file.buffer, file.byteOffset, file.length);
    const text = (offset: number) => String.fromCharCode(...file.subarray(offset, offset + 4));
    return { view, text };
  }

  it('puts a RIFF header with the real sizes before the samples and pauses stitchPcm writes', async () => {
    const options = { sampleRate: 16000, channels: 2 } as const;
    const raw1 = synthPcm({ ...options, durationMs: 500, frequencyHz: 300 });
    const asWav = synthWav({ ...options, durationMs: 250, frequencyHz: 500 });
    const segments = [concatBytes([raw1, Uint8Array.of(1, 2, 3)]), asWav];
    const { storage, keys } = storageWith(segments, 1003);
    const common = { storage, segmentKeys: keys, audio: STEREO_16K, pausesAfterMs: [100, 50], pauseBeforeMs: 25 };
    const result = await stitch({ ...common, outputKey: 'book.wav', outputFormat: 'wav' });
    const pcmResult = await stitch({ ...common, outputKey: 'book.pcm' });
    const file = storage.objects.get('book.wav') ?? new Uint8Array(0);
    const samples = storage.objects.get('book.pcm') ?? new Uint8Array(0);
    // 25 ms head = 400 frames, 100 ms = 1600, 50 ms = 800; 4 bytes a frame.
    const expected = concatBytes([new Uint8Array(1600), raw1, new Uint8Array(6400), asWav.subarray(44), new Uint8Array(3200)]);
    expect(Buffer.from(samples).equals(Buffer.from(expected))).toBe(true);
    expect(file.length).toBe(44 + expected.length);
    const { view, text } = header(file);
    expect([text(0), text(8), text(12), text(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint32(4, true)).toBe(file.length - 8);
    expect([view.getUint16(20, true), view.getUint16(22, true), view.getUint32(24, true), view.getUint16(34, true)]).toEqual([
      1, 2, 16000, 16,
    ]);
    expect(view.getUint32(40, true)).toBe(expected.length);
    expect(Buffer.from(file.subarray(44)).equals(Buffer.from(expected)), 'the data is the pcm join, byte for byte').toBe(true);
    expect(result).toEqual({ ...pcmResult, bytes: file.length });
    expect(result.durationMs).toBe(925);
    expect(storage.contentTypes.get('book.wav')).toBe('audio/wav');
    await withTempFile(file, 'wav', async (path) => {
      expect(await ffprobeDurationSeconds(path)).toBeCloseTo(0.925, 3);
      const decoded = await ffmpegDecode(path);
      expect(decoded.errors).toBe('');
      expect(decoded.pcmBytes).toBe(expected.length);
    });
  });

  it('writes RF64 when the segments’ sizes could pass the RIFF limit, even if the samples then fit', async () => {
    const options = { sampleRate: 16000, channels: 2 } as const;
    const raw = synthPcm({ ...options, durationMs: 100 });
    // A WAV-headed "pcm" is counted whole in the bound (44 bytes more than its samples): the
    // limit sits between the two, so the header is RF64 by the bound while the data would fit RIFF.
    const asWav = synthWav({ ...options, durationMs: 100 });
    const { storage, keys } = storageWith([raw, asWav]);
    const dataBytes = raw.length + asWav.length - 44;
    const riffSize = 4 + 24 + 8 + dataBytes;
    const result = await stitchPcmAsWav(
      { storage, segmentKeys: keys, audio: STEREO_16K, outputKey: 'big.wav' },
      { rf64AboveRiffSize: riffSize + 10 },
    );
    const file = storage.objects.get('big.wav') ?? new Uint8Array(0);
    const { view, text } = header(file);
    expect(text(0)).toBe('RF64');
    expect(view.getUint32(4, true)).toBe(0xffffffff);
    expect(text(12)).toBe('ds64');
    expect(view.getBigUint64(20, true), 'ds64 RIFF size').toBe(BigInt(file.length - 8));
    expect(view.getBigUint64(28, true), 'ds64 data size').toBe(BigInt(dataBytes));
    expect(view.getBigUint64(36, true), 'ds64 sample frames').toBe(BigInt(dataBytes / 4));
    expect(file.length).toBe(80 + dataBytes);
    expect(Buffer.from(file.subarray(80)).equals(Buffer.from(concatBytes([raw, asWav.subarray(44)])))).toBe(true);
    expect(result.durationMs).toBe(200);
    await withTempFile(file, 'wav', async (path) => {
      const decoded = await ffmpegDecode(path);
      expect(decoded.errors).toBe('');
      expect(decoded.pcmBytes).toBe(dataBytes);
    });
  });

  it('refuses a missing segment before writing anything', async () => {
    const { storage, keys } = storageWith([synthPcm({ sampleRate: 16000, channels: 2, durationMs: 100 })]);
    await expect(
      stitch({ storage, segmentKeys: [...keys, 'segments/gone.pcm'], audio: STEREO_16K, outputKey: 'out.wav', outputFormat: 'wav' }),
    ).rejects.toThrow(/segment 1 \(segments\/gone\.pcm\) is not in storage/);
    expect(storage.objects.has('out.wav')).toBe(false);
  });
});
