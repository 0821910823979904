import { sniffContainer } from '../sniff-container.ts';

/**
 * The RIFF/WAVE header grammar, written once for every WAV reader of the project: the
 * stitcher's layout reader (wav-layout.ts), the head check of a provider's answer
 * (audio-head.ts) and espeak-ng's header stripper (wav-samples.ts). RF64: EBU Tech 3306.
 *
 * The parser is a generator that never touches the input itself: it yields what it wants next
 * (bytes at an offset, or a skip to an offset) and its driver answers, so the same grammar runs
 * over a Uint8Array, a ByteReader or a stream (see read-wav-header.ts). It reads forward only,
 * buffers nothing it skips, and ends with the header or a WavProblem; what a problem means
 * (wait for more bytes, an error, a lenient answer) is each caller's policy.
 */
export const WAVE_FORMAT_PCM = 1;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Chunks before `data` larger than this are not a header any more (or not a WAV at all). */
export const MAX_SKIPPED_CHUNK_BYTES = 16 * 1024 * 1024;
/** PCM's fmt is 16 bytes, WAVE_FORMAT_EXTENSIBLE's 40; a larger one is read no further. */
export const MAX_FMT_CHUNK_BYTES = 1024;
/** The data size field of an RF64 file, whose real size sits in ds64. */
const RF64_SIZE_IN_DS64 = 0xffffffff;

/** A parser's request: `length` bytes at `offset` (answered by a Uint8Array, shorter only at the end of the input), or a skip. */
export type WavRead = { kind: 'bytes'; offset: number; length: number } | { kind: 'skip'; to: number };
/** A driver's answer: the bytes asked for, or for a skip the offset reached (less than asked only at the end). */
export type WavAnswer = Uint8Array | number;

/** The fields of a `fmt ` chunk as written, and whether they mean integer PCM. */
export interface WavFormat {
  formatTag: number;
  channels: number;
  sampleRate: number;
  /** Bytes per sample frame, all channels together. */
  blockAlign: number;
  bitsPerSample: number;
  /** Integer PCM: format 1, or WAVE_FORMAT_EXTENSIBLE whose sub-format is PCM. */
  pcm: boolean;
}

/** A header read up to the start of its data payload. */
export interface WavHeader extends WavFormat {
  /** RF64 (64-bit sizes in ds64) rather than RIFF. */
  rf64: boolean;
  /** The `fmt ` chunk body exactly as written (a copy): segments join only when these bytes agree. */
  fmt: Uint8Array;
  /** Where the data payload starts, counted from the first byte of the file. */
  dataOffset: number;
  /** The data size the header claims (ds64's for RF64); streaming writers put placeholders here. */
  declaredDataBytes: number;
}

export type WavProblemCode =
  | 'NOT_WAV'
  | 'NO_DATA_CHUNK'
  | 'FMT_SIZE'
  | 'FMT_CUT'
  | 'BLOCK_ALIGN_ZERO'
  | 'DS64_SHORT'
  | 'DATA_BEFORE_FMT'
  | 'CHUNK_TOO_LARGE'
  | 'HEADER_TOO_LONG';

/** Why a header could not be read. */
export interface WavProblem {
  code: WavProblemCode;
  /** What is wrong, worded to follow the file's name: "segment 3 ends inside its fmt chunk". */
  detail: string;
  /** The offending value: a size, an offset, a chunk id, or for NOT_WAV the first bytes. */
  value: unknown;
  /** The input ended before the header did: more bytes might have made it a header. */
  truncated: boolean;
  /** What the header had said before the problem (a lenient reader may use it). */
  seen: WavHeaderSoFar;
}

/** The parts of a header read before a problem stopped the parse. */
export interface WavHeaderSoFar {
  rf64?: boolean;
  /** The last well-formed fmt chunk before the problem. */
  format?: WavFormat;
  /** Set when the problem is at or after the data chunk header (data before fmt). */
  dataOffset?: number;
  declaredDataBytes?: number;
}

export interface WavParseLimits {
  /** Refuse a header whose data payload would start past this offset (a stream reader need not wait for ever). */
  maxHeaderBytes?: number;
}

/** A running parse: yields requests, takes answers, returns the header or a problem. */
export type WavHeaderParse = Generator<WavRead, WavHeader | WavProblem, WavAnswer>;

export function isWavProblem(result: WavHeader | WavProblem): result is WavProblem {
  return 'code' in result;
}

/** Whether these bytes start a RIFF/WAVE or RF64/WAVE file; needs 12 bytes. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  return sniffContainer(bytes) === 'wav';
}

/** "52 49 46 46 …": the first bytes of a file that is not what it should be, for messages. */
export function hexPreview(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 12), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Parses a header from offset 0 up to the start of the data payload. Chunks are word-aligned
 * (an odd size is followed by one pad byte); the last `fmt ` before `data` counts; ds64 counts
 * in RF64 files only, and only when data's own size field says so.
 */
export function* parseWavHeader(limits: WavParseLimits = {}): WavHeaderParse {
  const maxHeaderBytes = limits.maxHeaderBytes ?? Number.POSITIVE_INFINITY;
  const preamble = yield* bytesAt(0, 12);
  if (!looksLikeWav(preamble)) {
    const found = preamble.slice();
    return problem('NOT_WAV', `is not a WAV file: it starts with ${hexPreview(found) || 'nothing'}`, found, preamble.length < 12, {});
  }
  const rf64 = fourCc(preamble, 0) === 'RF64';
  const seen: WavHeaderSoFar = { rf64 };
  let ds64DataBytes: number | null = null;
  let fmt: { bytes: Uint8Array; format: WavFormat } | null = null;
  let offset = 12;
  for (;;) {
    if (offset + 8 > maxHeaderBytes) return tooLong(maxHeaderBytes, seen);
    const chunkHeader = yield* bytesAt(offset, 8);
    if (chunkHeader.length < 8) return problem('NO_DATA_CHUNK', 'ends before its data chunk', offset, true, seen);
    const id = fourCc(chunkHeader, 0);
    const size = new DataView(chunkHeader.buffer, chunkHeader.byteOffset, 8).getUint32(4, true);
    const body = offset + 8;
    const padded = size + (size & 1);
    if (id === 'data') {
      const declared = rf64 && size === RF64_SIZE_IN_DS64 && ds64DataBytes !== null ? ds64DataBytes : size;
      const data = { dataOffset: body, declaredDataBytes: declared };
      if (fmt === null) return problem('DATA_BEFORE_FMT', 'has its data chunk before any fmt chunk', body, false, { ...seen, ...data });
      return { rf64, fmt: fmt.bytes, ...fmt.format, ...data };
    }
    if (id === 'fmt ') {
      if (size < 16 || size > MAX_FMT_CHUNK_BYTES) return problem('FMT_SIZE', `has a fmt chunk of ${size} bytes`, size, false, seen);
      const bytes = yield* bytesAt(body, padded);
      if (bytes.length < padded) return problem('FMT_CUT', 'ends inside its fmt chunk', size, true, seen);
      const format = readFormat(bytes.subarray(0, size));
      if (format.blockAlign === 0) return problem('BLOCK_ALIGN_ZERO', 'declares a block align of 0', 0, false, seen);
      fmt = { bytes: bytes.slice(0, size), format };
      seen.format = format;
    } else if (size > MAX_SKIPPED_CHUNK_BYTES) {
      return problem('CHUNK_TOO_LARGE', `has a ${size}-byte "${id}" chunk before its data`, id, false, seen);
    } else if (id === 'ds64' && rf64) {
      if (size < 24) return problem('DS64_SHORT', 'has a short ds64 chunk', size, false, seen);
      const bytes = yield* bytesAt(body, padded);
      if (bytes.length < padded) return problem('DS64_SHORT', 'has a short ds64 chunk', size, true, seen);
      // riffSize (8 bytes), then dataSize (8 bytes), then sampleCount and a table we do not need.
      ds64DataBytes = Number(new DataView(bytes.buffer, bytes.byteOffset, 24).getBigUint64(8, true));
    } else {
      if (body + padded > maxHeaderBytes) return tooLong(maxHeaderBytes, seen);
      offset = yield* skipTo(body + padded);
      continue;
    }
    offset = body + padded;
  }
}

/** The four ASCII characters at `offset` (NULs past the end). */
function fourCc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset] ?? 0, bytes[offset + 1] ?? 0, bytes[offset + 2] ?? 0, bytes[offset + 3] ?? 0);
}

/** The fields of a whole fmt chunk body (at least 16 bytes). */
function readFormat(fmt: Uint8Array): WavFormat {
  const view = new DataView(fmt.buffer, fmt.byteOffset, fmt.byteLength);
  const formatTag = view.getUint16(0, true);
  // WAVE_FORMAT_EXTENSIBLE: cbSize 22, then valid bits, channel mask and a sub-format GUID whose first two bytes are the format code.
  const extensiblePcm = formatTag === WAVE_FORMAT_EXTENSIBLE && fmt.length >= 40 && view.getUint16(24, true) === WAVE_FORMAT_PCM;
  return {
    formatTag,
    channels: view.getUint16(2, true),
    sampleRate: view.getUint32(4, true),
    blockAlign: view.getUint16(12, true),
    bitsPerSample: view.getUint16(14, true),
    pcm: formatTag === WAVE_FORMAT_PCM || extensiblePcm,
  };
}

function* bytesAt(offset: number, length: number): Generator<WavRead, Uint8Array, WavAnswer> {
  const answer = yield { kind: 'bytes', offset, length };
  if (typeof answer === 'number') throw new TypeError('a wav header driver answered a bytes request with an offset');
  return answer;
}

function* skipTo(to: number): Generator<WavRead, number, WavAnswer> {
  const answer = yield { kind: 'skip', to };
  if (typeof answer !== 'number') throw new TypeError('a wav header driver answered a skip with bytes');
  return answer;
}

function problem(code: WavProblemCode, detail: string, value: unknown, truncated: boolean, seen: WavHeaderSoFar): WavProblem {
  return { code, detail, value, truncated, seen: { ...seen } };
}

function tooLong(maxHeaderBytes: number, seen: WavHeaderSoFar): WavProblem {
  return problem('HEADER_TOO_LONG', `has no data chunk in its first ${maxHeaderBytes} bytes`, maxHeaderBytes, false, seen);
}
