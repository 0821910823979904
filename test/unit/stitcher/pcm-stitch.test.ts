import { beforeAll, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../../src/audio/audio-settings.ts';
import { AudioFormatError } from '../../../src/errors/audio-format-error.ts';
import { stitch } from '../../../src/stitcher/stitch.ts';
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
