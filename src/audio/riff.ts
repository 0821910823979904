import { sniffContainer } from './sniff-container.ts';

/**
 * RIFF/WAVE knowledge every WAV reader of the project shares: the stitcher's streaming layout
 * reader (wav-layout.ts), the head reader that checks a provider's answer (audio-head.ts) and
 * espeak-ng's header stripper (wav-samples.ts). Each keeps its own policy for what a missing
 * or odd chunk means; the chunk walk and the fmt fields are read here only. RF64: EBU Tech 3306.
 */
export const WAVE_FORMAT_PCM = 1;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** The four ASCII characters at `offset` (NULs past the end). */
export function fourCc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset] ?? 0, bytes[offset + 1] ?? 0, bytes[offset + 2] ?? 0, bytes[offset + 3] ?? 0);
}

/** Whether these bytes start a RIFF/WAVE or RF64/WAVE file; needs 12 bytes. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  return sniffContainer(bytes) === 'wav';
}

/** One chunk header: its id, the size it declares, and where its body starts in the bytes. */
export interface RiffChunk {
  id: string;
  size: number;
  body: number;
}

/**
 * The chunks after the 12-byte RIFF/WAVE preamble, in order, as far as their 8-byte headers
 * lie inside `bytes` (a chunk's body may run past the end). Chunks are word-aligned: an odd
 * size is followed by one pad byte.
 */
export function* riffChunks(bytes: Uint8Array): Generator<RiffChunk, void, undefined> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    yield { id: fourCc(bytes, offset), size, body };
    offset = body + size + (size & 1);
  }
}

/** The fields of a `fmt ` chunk. */
export interface WavFormat {
  formatTag: number;
  channels: number;
  sampleRate: number;
  /** Bytes per sample frame, all channels together. */
  blockAlign: number;
  bitsPerSample: number;
}

/** Reads the fmt fields from the chunk body at `body`; its first 16 bytes must be present. */
export function readWavFormat(bytes: Uint8Array, body: number): WavFormat {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    formatTag: view.getUint16(body, true),
    channels: view.getUint16(body + 2, true),
    sampleRate: view.getUint32(body + 4, true),
    blockAlign: view.getUint16(body + 12, true),
    bitsPerSample: view.getUint16(body + 14, true),
  };
}

/**
 * Whether a fmt chunk of `size` bytes at `body` is WAVE_FORMAT_EXTENSIBLE with the integer PCM
 * sub-format; false when the sub-format field is not inside `bytes`.
 */
export function isExtensiblePcm(bytes: Uint8Array, body: number, size: number): boolean {
  if (size < 40 || body + 26 > bytes.length) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint16(body, true) === WAVE_FORMAT_EXTENSIBLE && view.getUint16(body + 24, true) === WAVE_FORMAT_PCM;
}
