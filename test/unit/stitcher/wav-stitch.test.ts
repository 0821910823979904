import { beforeAll, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../../src/audio/audio-settings.ts';
import { AudioFormatError } from '../../../src/errors/audio-format-error.ts';
import { stitch } from '../../../src/stitcher/stitch.ts';
import { buildWavHeader } from '../../../src/audio/wav/build-wav-header.ts';
import { stitchWav } from '../../../src/stitcher/wav-stitch.ts';
import { synthWav } from '../../support/audio-synth.ts';
import { ffmpegDecode, ffprobeDurationSeconds, requireFfmpeg, withTempFile } from '../../support/ffmpeg.ts';
import { MemoryStorage } from '../../support/memory-storage.ts';
import { concatBytes } from '../../support/concat-bytes.ts';

const MONO_24K: AudioSettings = { format: 'wav', sampleRate: 24000, channels: 1 };

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

function chunk(id: string, body: Uint8Array): Uint8Array {
  const header = new Uint8Array(8);
  header.set(ascii(id));
  new DataView(header.buffer).setUint32(4, body.length, true);
  return concatBytes([header, body, new Uint8Array(body.length & 1)]);
}

/** A WAV from parts: fmt body, payload, chunks before and after data, and what the sizes claim. */
function wav(options: {
  fmt: Uint8Array;
  payload: Uint8Array;
  before?: Uint8Array[];
  after?: Uint8Array[];
  dataSize?: number;
  riffSize?: number;
}): Uint8Array {
  const dataHeader = new Uint8Array(8);
  dataHeader.set(ascii('data'));
  new DataView(dataHeader.buffer).setUint32(4, options.dataSize ?? options.payload.length, true);
  const body = concatBytes([
    ascii('WAVE'),
    chunk('fmt ', options.fmt),
    ...(options.before ?? []),
    dataHeader,
    options.payload,
    ...(options.after ?? []),
  ]);
  const riff = new Uint8Array(8);
  riff.set(ascii('RIFF'));
  new DataView(riff.buffer).setUint32(4, options.riffSize ?? body.length, true);
  return concatBytes([riff, body]);
}

/** fmt body and payload of a 44-byte-header WAV from synthWav. */
function split(file: Uint8Array): { fmt: Uint8Array; payload: Uint8Array } {
  return { fmt: file.slice(20, 36), payload: file.slice(44) };
}

function storageWith(segments: readonly Uint8Array[], chunkSize = 4096): { storage: MemoryStorage; keys: string[] } {
  const storage = new MemoryStorage({ chunkSize });
  const keys = segments.map((bytes, index) => {
    const key = `segments/${index}.wav`;
    storage.set(key, bytes);
    return key;
  });
  return { storage, keys };
}

function readHeader(file: Uint8Array) {
  const view = new DataView(file.buffer, file.byteOffset, file.length);
  const text = (offset: number) => String.fromCharCode(...file.subarray(offset, offset + 4));
  return {
    riff: text(0),
    riffSize: view.getUint32(4, true),
    wave: text(8),
    fmt: text(12),
    data: text(36),
    dataSize: view.getUint32(40, true),
  };
}

async function expectPlayersAgree(file: Uint8Array, durationMs: number, dataBytes: number): Promise<void> {
  await withTempFile(file, 'wav', async (path) => {
    const seconds = await ffprobeDurationSeconds(path);
    expect(Math.abs(seconds * 1000 - durationMs), `ffprobe says ${seconds} s, stitcher ${durationMs} ms`).toBeLessThanOrEqual(1);
    const decoded = await ffmpegDecode(path);
    expect(decoded.errors, 'ffmpeg -v error while decoding').toBe('');
    expect(decoded.pcmBytes).toBe(dataBytes);
  });
}

beforeAll(async () => {
  await requireFfmpeg();
});

describe('stitch (wav)', () => {
  it('copies only data payloads, clamps lying sizes and writes the real ones', async () => {
    const a = split(synthWav({ durationMs: 1000, sampleRate: 24000, channels: 1, frequencyHz: 300 }));
    const b = split(synthWav({ durationMs: 700, sampleRate: 24000, channels: 1, frequencyHz: 450 }));
    const c = split(synthWav({ durationMs: 1300, sampleRate: 24000, channels: 1, frequencyHz: 600 }));
    const d = split(synthWav({ durationMs: 500, sampleRate: 24000, channels: 1, frequencyHz: 750 }));
    const list = chunk('LIST', concatBytes([ascii('INFOISFT'), new Uint8Array([5, 0, 0, 0]), ascii('tts\0\0')]));
    const segments = [
      wav({ ...a, before: [list], after: [chunk('LIST', ascii('INFOtrailing metadata!'))] }),
      wav({ ...b, dataSize: 0xffffffff, riffSize: 0xffffffff }), // ffmpeg writing to a pipe
      wav({ ...c, dataSize: 0x7ffff000, riffSize: 0x7ffff024 }), // espeak-ng
      wav({ ...d, payload: concatBytes([d.payload, Uint8Array.of(0x12)]) }), // a stray half sample at the end
    ];
    const { storage, keys } = storageWith(segments, 1001);
    const result = await stitch({ storage, segmentKeys: keys, audio: MONO_24K, outputKey: 'book.wav' });
    const file = storage.objects.get('book.wav') ?? new Uint8Array(0);
    const payload = concatBytes([a.payload, b.payload, c.payload, d.payload]);
    expect(readHeader(file)).toEqual({
      riff: 'RIFF',
      riffSize: file.length - 8,
      wave: 'WAVE',
      fmt: 'fmt ',
      data: 'data',
      dataSize: payload.length,
    });
    expect(Uint8Array.from(file.subarray(20, 36))).toEqual(Uint8Array.from(a.fmt));
    expect(Buffer.from(file.subarray(44)).equals(Buffer.from(payload)), 'output payload is the segments’ payloads in order').toBe(true);
    expect(result.segments.map((segment) => [segment.startMs, segment.durationMs, segment.bytes])).toEqual([
      [0, 1000, 48000],
      [1000, 700, 33600],
      [1700, 1300, 62400],
      [3000, 500, 24000],
    ]);
    expect(result).toMatchObject({ durationMs: 3500, bytes: file.length, sampleRate: 24000, channels: 1 });
    expect(storage.contentTypes.get('book.wav')).toBe('audio/wav');
    await expectPlayersAgree(file, result.durationMs, payload.length);
  });

  it('writes RF64 with a ds64 chunk past the RIFF size limit', async () => {
    const segments = [
      synthWav({ durationMs: 400, sampleRate: 24000, channels: 2 }),
      synthWav({ durationMs: 600, sampleRate: 24000, channels: 2, frequencyHz: 660 }),
    ];
    const { storage, keys } = storageWith(segments);
    const input = { storage, segmentKeys: keys, audio: { format: 'wav', sampleRate: 24000, channels: 2 } as const, outputKey: 'big.wav' };
    const result = await stitchWav(input, { rf64AboveRiffSize: 1000 });
    const file = storage.objects.get('big.wav') ?? new Uint8Array(0);
    const view = new DataView(file.buffer, file.byteOffset, file.length);
    expect(String.fromCharCode(...file.subarray(0, 4))).toBe('RF64');
    expect(view.getUint32(4, true)).toBe(0xffffffff);
    expect(String.fromCharCode(...file.subarray(12, 16))).toBe('ds64');
    expect(view.getBigUint64(20, true), 'ds64 RIFF size').toBe(BigInt(file.length - 8));
    expect(view.getBigUint64(28, true), 'ds64 data size').toBe(BigInt(96000));
    expect(view.getBigUint64(36, true), 'ds64 sample count').toBe(BigInt(24000));
    expect(result.durationMs).toBe(1000);
    await expectPlayersAgree(file, result.durationMs, 96000);
  });

  it('chooses RF64 on its own only when 32-bit sizes overflow', () => {
    const fmt = split(synthWav({ durationMs: 10, sampleRate: 24000, channels: 1 })).fmt;
    // RIFF size = 4 ("WAVE") + 24 (fmt chunk) + 8 (data header) + data: the largest even fit.
    const largest = 0xffffffff - 37;
    const small = buildWavHeader({ fmt, dataBytes: largest, blockAlign: 2 });
    expect(String.fromCharCode(...small.subarray(0, 4))).toBe('RIFF');
    expect(new DataView(small.buffer).getUint32(4, true)).toBe(0xfffffffe);
    expect(String.fromCharCode(...buildWavHeader({ fmt, dataBytes: largest + 2, blockAlign: 2 }).subarray(0, 4))).toBe('RF64');
    const fiveGiB = 5 * 1024 ** 3;
    const big = buildWavHeader({ fmt, dataBytes: fiveGiB, blockAlign: 2 });
    const view = new DataView(big.buffer);
    expect(String.fromCharCode(...big.subarray(0, 4))).toBe('RF64');
    expect(view.getBigUint64(28, true)).toBe(BigInt(fiveGiB));
    expect(view.getBigUint64(36, true)).toBe(BigInt(fiveGiB / 2));
    expect(view.getBigUint64(20, true)).toBe(BigInt(big.length - 8 + fiveGiB));
  });

  it('adds the pad byte after an odd-sized data chunk', async () => {
    const fmt8 = new Uint8Array(16);
    const view = new DataView(fmt8.buffer);
    view.setUint16(0, 1, true);
    view.setUint16(2, 1, true);
    view.setUint32(4, 8000, true);
    view.setUint32(8, 8000, true);
    view.setUint16(12, 1, true);
    view.setUint16(14, 8, true);
    const payload = new Uint8Array(1001).map((_, i) => 128 + Math.round(60 * Math.sin(i / 3)));
    const { storage, keys } = storageWith([wav({ fmt: fmt8, payload }), wav({ fmt: fmt8, payload: payload.subarray(0, 500) })]);
    const result = await stitch({
      storage,
      segmentKeys: keys,
      audio: { format: 'wav', sampleRate: 8000, channels: 1 },
      outputKey: 'odd.wav',
    });
    const file = storage.objects.get('odd.wav') ?? new Uint8Array(0);
    expect(file.length).toBe(44 + 1501 + 1);
    expect(readHeader(file)).toMatchObject({ riffSize: file.length - 8, dataSize: 1501 });
    expect(result.durationMs).toBeCloseTo(1501 / 8, 9);
    await withTempFile(file, 'wav', async (path) => {
      expect((await ffmpegDecode(path)).errors).toBe('');
    });
  });

  it('refuses a segment whose fmt chunk differs, naming both formats', async () => {
    const { storage, keys } = storageWith([
      synthWav({ durationMs: 200, sampleRate: 24000, channels: 1 }),
      synthWav({ durationMs: 200, sampleRate: 22050, channels: 1 }),
    ]);
    const failure = stitch({ storage, segmentKeys: keys, audio: MONO_24K, outputKey: 'out.wav' });
    await expect(failure).rejects.toBeInstanceOf(AudioFormatError);
    await expect(failure).rejects.toThrow(
      /segment 1 \(segments\/1\.wav\) is 22050 Hz, 1 channel, 16-bit.*segment 0 is 24000 Hz, 1 channel, 16-bit/,
    );
    expect(storage.objects.has('out.wav')).toBe(false);
  });

  it('refuses fmt chunks that agree on rate and channels but not on their bytes', async () => {
    const plain = split(synthWav({ durationMs: 200, sampleRate: 24000, channels: 1 }));
    const extended = concatBytes([plain.fmt, Uint8Array.of(0, 0)]); // cbSize: same audio, another chunk
    const { storage, keys } = storageWith([wav(plain), wav({ ...plain, fmt: extended })]);
    await expect(stitch({ storage, segmentKeys: keys, audio: MONO_24K, outputKey: 'out.wav' })).rejects.toThrow(
      /different fmt chunk bytes/,
    );
  });

  it('refuses segments that are not the render’s format, not WAV, or empty', async () => {
    const stereo = storageWith([synthWav({ durationMs: 200, sampleRate: 24000, channels: 2 })]);
    await expect(stitch({ storage: stereo.storage, segmentKeys: stereo.keys, audio: MONO_24K, outputKey: 'o.wav' })).rejects.toThrow(
      /segment 0 .* is 24000 Hz, 2 channels.*render asks for 24000 Hz, 1 channel/,
    );
    const notWav = storageWith([ascii('OggS and some more bytes')]);
    await expect(stitch({ storage: notWav.storage, segmentKeys: notWav.keys, audio: MONO_24K, outputKey: 'o.wav' })).rejects.toThrow(
      /segment 0 .* is not a WAV file: it starts with 4f 67 67 53/,
    );
    const empty = storageWith([
      wav({ ...split(synthWav({ durationMs: 200, sampleRate: 24000, channels: 1 })), payload: new Uint8Array(0) }),
    ]);
    await expect(stitch({ storage: empty.storage, segmentKeys: empty.keys, audio: MONO_24K, outputKey: 'o.wav' })).rejects.toThrow(
      /holds no audio samples/,
    );
  });
});
