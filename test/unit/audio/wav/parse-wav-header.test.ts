import { describe, expect, it } from 'vitest';
import { buildWavHeader } from '../../../../src/audio/wav/build-wav-header.ts';
import {
  isWavProblem,
  MAX_SKIPPED_CHUNK_BYTES,
  parseWavHeader,
  type WavHeader,
  type WavProblem,
  type WavRead,
} from '../../../../src/audio/wav/parse-wav-header.ts';
import { readWavHeaderFromBytes, readWavHeaderFromReader } from '../../../../src/audio/wav/read-wav-header.ts';
import { ByteReader } from '../../../../src/util/byte-reader.ts';
import { concatBytes } from '../../../support/concat-bytes.ts';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));

/** A chunk: id, 32-bit little-endian size, body, and the pad byte an odd size needs. `size` may lie. */
function chunk(id: string, body: Uint8Array, size = body.length): Uint8Array {
  const head = new Uint8Array(8);
  head.set(ascii(id), 0);
  new DataView(head.buffer).setUint32(4, size, true);
  return concatBytes([head, body, new Uint8Array(body.length & 1)]);
}

/** RIFF (or RF64) + size + WAVE, then the chunks. */
function wave(chunks: readonly Uint8Array[], magic: 'RIFF' | 'RF64' = 'RIFF'): Uint8Array {
  const body = concatBytes(chunks);
  const preamble = new Uint8Array(12);
  preamble.set(ascii(magic), 0);
  new DataView(preamble.buffer).setUint32(4, magic === 'RF64' ? 0xffffffff : 4 + body.length, true);
  preamble.set(ascii('WAVE'), 8);
  return concatBytes([preamble, body]);
}

/** A PCM fmt body (16 bytes), or WAVE_FORMAT_EXTENSIBLE (40 bytes) with `subFormat` in its GUID. */
function fmtBody(options: { sampleRate?: number; channels?: number; bits?: number; tag?: number; subFormat?: number } = {}): Uint8Array {
  const { sampleRate = 24_000, channels = 1, bits = 16, tag = 1 } = options;
  const extensible = options.subFormat !== undefined;
  const body = new Uint8Array(extensible ? 40 : 16);
  const view = new DataView(body.buffer);
  const blockAlign = (channels * bits) / 8;
  view.setUint16(0, extensible ? 0xfffe : tag, true);
  view.setUint16(2, channels, true);
  view.setUint32(4, sampleRate, true);
  view.setUint32(8, sampleRate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, bits, true);
  if (extensible) {
    view.setUint16(16, 22, true); // cbSize
    view.setUint16(18, bits, true); // valid bits
    view.setUint32(20, channels === 1 ? 0x4 : 0x3, true); // channel mask
    view.setUint16(24, options.subFormat ?? 1, true);
    body.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  return body;
}

const samples = Uint8Array.from({ length: 100 }, (_, i) => i);
const dataChunk = chunk('data', samples);

function header(bytes: Uint8Array): WavHeader {
  const result = readWavHeaderFromBytes(bytes);
  if (isWavProblem(result)) throw new Error(`expected a header, got ${result.code}: ${result.detail}`);
  return result;
}

function problem(bytes: Uint8Array): WavProblem {
  const result = readWavHeaderFromBytes(bytes);
  if (!isWavProblem(result)) throw new Error('expected a problem, got a header');
  return result;
}

async function* oneByteAtATime(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) yield await Promise.resolve(bytes.subarray(i, i + 1));
}

describe('parseWavHeader', () => {
  it('reads a plain RIFF header: fmt fields, data offset, declared size', () => {
    const fmt = fmtBody({ sampleRate: 22_050, channels: 2 });
    const result = header(wave([chunk('fmt ', fmt), dataChunk]));
    expect(result).toEqual({
      rf64: false,
      fmt,
      formatTag: 1,
      channels: 2,
      sampleRate: 22_050,
      blockAlign: 4,
      bitsPerSample: 16,
      pcm: true,
      dataOffset: 44,
      declaredDataBytes: 100,
    });
  });

  it('reads the header its own writer builds, RIFF and RF64 alike', () => {
    const fmt = fmtBody();
    const riff = header(buildWavHeader({ fmt, dataBytes: 1000, blockAlign: 2 }));
    expect(riff).toMatchObject({ rf64: false, dataOffset: 44, declaredDataBytes: 1000 });
    const rf64 = header(buildWavHeader({ fmt, dataBytes: 1000, blockAlign: 2, rf64AboveRiffSize: 0 }));
    expect(rf64).toMatchObject({ rf64: true, dataOffset: 80, declaredDataBytes: 1000, fmt });
  });

  it('takes an RF64 data size from ds64 when data says 0xFFFFFFFF, and ignores a ds64 in a RIFF file', () => {
    const ds64 = new Uint8Array(28);
    new DataView(ds64.buffer).setBigUint64(8, 5_000_000_000n, true);
    const fmt = chunk('fmt ', fmtBody());
    expect(header(wave([chunk('ds64', ds64), fmt, chunk('data', samples, 0xffffffff)], 'RF64'))).toMatchObject({
      rf64: true,
      declaredDataBytes: 5_000_000_000,
    });
    // An RF64 data chunk that states its own size keeps it.
    expect(header(wave([chunk('ds64', ds64), fmt, dataChunk], 'RF64')).declaredDataBytes).toBe(100);
    expect(header(wave([chunk('ds64', ds64), fmt, chunk('data', samples, 0xffffffff)])).declaredDataBytes).toBe(0xffffffff);
  });

  it('resolves WAVE_FORMAT_EXTENSIBLE with a PCM sub-format as PCM, keeping the tag as written', () => {
    const pcm = header(wave([chunk('fmt ', fmtBody({ subFormat: 1 })), dataChunk]));
    expect(pcm).toMatchObject({ formatTag: 0xfffe, pcm: true, bitsPerSample: 16 });
    expect(pcm.fmt.length).toBe(40);
    const float = header(wave([chunk('fmt ', fmtBody({ subFormat: 3, bits: 32 })), dataChunk]));
    expect(float).toMatchObject({ formatTag: 0xfffe, pcm: false });
    expect(header(wave([chunk('fmt ', fmtBody({ tag: 3, bits: 32 })), dataChunk])).pcm).toBe(false);
  });

  it('steps over the pad byte after an odd-sized chunk', () => {
    const odd = chunk('junk', ascii('abc')); // 8 + 3 + 1 pad
    expect(odd.length).toBe(12);
    const result = header(wave([odd, chunk('fmt ', fmtBody()), chunk('odd ', ascii('x')), dataChunk]));
    expect(result.dataOffset).toBe(12 + 12 + 24 + 10 + 8);
    expect(result.sampleRate).toBe(24_000);
  });

  it('reads LIST and other chunks before fmt', () => {
    const list = chunk('LIST', concatBytes([ascii('INFOISFT'), new Uint8Array([14, 0, 0, 0]), ascii('Lavf61.7.100\0\0')]));
    const result = header(wave([list, chunk('fmt ', fmtBody({ sampleRate: 16_000 })), dataChunk]));
    expect(result).toMatchObject({ sampleRate: 16_000, dataOffset: 12 + list.length + 24 + 8 });
  });

  it('refuses data before fmt, saying where the data starts and what it declares', () => {
    const result = problem(wave([dataChunk, chunk('fmt ', fmtBody())]));
    expect(result).toEqual({
      code: 'DATA_BEFORE_FMT',
      detail: 'has its data chunk before any fmt chunk',
      value: 20,
      truncated: false,
      seen: { rf64: false, dataOffset: 20, declaredDataBytes: 100 },
    });
  });

  it('reports an input cut inside fmt as truncated, and what it had seen', () => {
    const whole = wave([chunk('fmt ', fmtBody()), dataChunk]);
    expect(problem(whole.subarray(0, 30))).toEqual({
      code: 'FMT_CUT',
      detail: 'ends inside its fmt chunk',
      value: 16,
      truncated: true,
      seen: { rf64: false },
    });
    // Cut after fmt: the format is known, the data chunk is not.
    const afterFmt = problem(whole.subarray(0, 40));
    expect(afterFmt).toMatchObject({ code: 'NO_DATA_CHUNK', truncated: true, value: 36 });
    expect(afterFmt.seen.format).toMatchObject({ sampleRate: 24_000, pcm: true });
  });

  it('refuses a chunk over 16 MiB before data, and skips one of 16 MiB without asking for its bytes', () => {
    const fmt = chunk('fmt ', fmtBody());
    const huge = chunk('LIST', new Uint8Array(0), MAX_SKIPPED_CHUNK_BYTES + 1);
    expect(problem(wave([fmt, huge]))).toMatchObject({
      code: 'CHUNK_TOO_LARGE',
      detail: `has a ${MAX_SKIPPED_CHUNK_BYTES + 1}-byte "LIST" chunk before its data`,
      value: 'LIST',
      truncated: false,
    });
    // At the limit: the parser asks to skip it, never for its bytes.
    const bytes = wave([fmt, chunk('LIST', new Uint8Array(0), MAX_SKIPPED_CHUNK_BYTES)]);
    const requests: WavRead[] = [];
    const parse = parseWavHeader();
    let step = parse.next();
    while (step.done !== true) {
      const request = step.value;
      requests.push(request);
      step = parse.next(request.kind === 'bytes' ? bytes.subarray(request.offset, request.offset + request.length) : request.to);
    }
    expect(requests.filter((request) => request.kind === 'bytes').every((request) => request.length <= 16)).toBe(true);
    expect(requests).toContainEqual({ kind: 'skip', to: 44 + MAX_SKIPPED_CHUNK_BYTES });
  });

  it('names every other problem with its value', () => {
    expect(problem(ascii('Usage: espeak-ng [options]'))).toMatchObject({
      code: 'NOT_WAV',
      detail: 'is not a WAV file: it starts with 55 73 61 67 65 3a 20 65 73 70 65 61',
      truncated: false,
    });
    expect(problem(ascii('RIF'))).toMatchObject({ code: 'NOT_WAV', truncated: true });
    expect(problem(new Uint8Array(0)).detail).toBe('is not a WAV file: it starts with nothing');
    expect(problem(wave([chunk('fmt ', new Uint8Array(14)), dataChunk]))).toMatchObject({ code: 'FMT_SIZE', value: 14 });
    expect(problem(wave([chunk('fmt ', new Uint8Array(2000)), dataChunk]))).toMatchObject({ code: 'FMT_SIZE', value: 2000 });
    const zeroAlign = fmtBody();
    new DataView(zeroAlign.buffer).setUint16(12, 0, true);
    expect(problem(wave([chunk('fmt ', zeroAlign), dataChunk]))).toMatchObject({ code: 'BLOCK_ALIGN_ZERO', value: 0 });
    expect(problem(wave([chunk('ds64', new Uint8Array(16)), dataChunk], 'RF64'))).toMatchObject({ code: 'DS64_SHORT', value: 16 });
    const long = wave([chunk('fmt ', fmtBody()), chunk('LIST', new Uint8Array(100)), dataChunk]);
    expect(readWavHeaderFromBytes(long, { maxHeaderBytes: 100 })).toMatchObject({ code: 'HEADER_TOO_LONG', value: 100 });
    expect(isWavProblem(readWavHeaderFromBytes(long, { maxHeaderBytes: 12 + 24 + 108 + 8 }))).toBe(false);
  });

  it('reads the same from an async stream one byte at a time as from the whole bytes, and leaves the reader at the data', async () => {
    const ds64 = new Uint8Array(28);
    new DataView(ds64.buffer).setBigUint64(8, 100n, true);
    const fmt = chunk('fmt ', fmtBody());
    const inputs = [
      wave([chunk('fmt ', fmtBody({ channels: 2 })), dataChunk]),
      wave([chunk('ds64', ds64), chunk('LIST', ascii('abcde')), fmt, chunk('data', samples, 0xffffffff)], 'RF64'),
      wave([chunk('fmt ', fmtBody({ subFormat: 1 })), dataChunk]),
      wave([chunk('junk', ascii('abc')), fmt, dataChunk]),
      wave([dataChunk, fmt]),
      wave([fmt, chunk('LIST', new Uint8Array(50))]).subarray(0, 60),
      wave([fmt]).subarray(0, 30),
      ascii('ID3\u0004\0\0\0\0\0\0not a wav'),
    ];
    for (const bytes of inputs) {
      const whole = readWavHeaderFromBytes(bytes);
      const reader = new ByteReader(oneByteAtATime(bytes));
      expect(await readWavHeaderFromReader(reader)).toEqual(whole);
      if (!isWavProblem(whole)) {
        expect(reader.consumed).toBe(whole.dataOffset);
        expect(await reader.read(samples.length)).toEqual(samples.subarray(0, 1));
      }
    }
  });
});
