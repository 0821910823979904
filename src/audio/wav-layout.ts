import { AudioFormatError } from '../errors/audio-format-error.ts';
import type { ByteReader } from '../util/byte-reader.ts';
import { fourCc, looksLikeWav, readWavFormat } from './riff.ts';

/** The parts of a RIFF/WAVE (or RF64) header a join needs. */
export interface WavLayout {
  /** The `fmt ` chunk body exactly as written: segments join only when these bytes agree. */
  fmt: Uint8Array;
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
  /** Where the data payload starts in the object. */
  dataOffset: number;
  /** The data size the header claims (ds64's for RF64); often a lie, see clampDataBytes. */
  declaredDataBytes: number;
}

/** Chunks before `data` larger than this are not a header any more (or not a WAV at all). */
const MAX_SKIPPED_CHUNK = 16 * 1024 * 1024;
const MAX_FMT_CHUNK = 1024;

/** "24000 Hz, 1 channel, 16-bit, format 1": for error messages. */
export function describeWavFormat(layout: Pick<WavLayout, 'sampleRate' | 'channels' | 'bitsPerSample' | 'formatTag'>): string {
  const channels = layout.channels === 1 ? '1 channel' : `${layout.channels} channels`;
  return `${layout.sampleRate} Hz, ${channels}, ${layout.bitsPerSample}-bit, format 0x${layout.formatTag.toString(16)}`;
}

/**
 * Reads the header up to the start of the data payload and leaves the reader there.
 * `label` names the object in errors.
 */
export async function readWavLayout(reader: ByteReader, label: string): Promise<WavLayout> {
  await reader.ensure(12);
  const start = reader.view();
  if (!looksLikeWav(start)) {
    const found = Array.from(start.subarray(0, 12), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
    throw new AudioFormatError(`${label} is not a WAV file: it starts with ${found || 'nothing'}`, found);
  }
  const isRf64 = fourCc(start, 0) === 'RF64';
  reader.take(12);
  let fmt: Uint8Array | null = null;
  let ds64DataBytes: number | null = null;
  for (;;) {
    if (!(await reader.ensure(8))) throw new AudioFormatError(`${label} ends before its data chunk`, reader.consumed);
    const chunkHeader = reader.take(8);
    const id = fourCc(chunkHeader, 0);
    const size = new DataView(chunkHeader.buffer, chunkHeader.byteOffset, 8).getUint32(4, true);
    if (id === 'data') {
      if (fmt === null) throw new AudioFormatError(`${label} has its data chunk before any fmt chunk`, reader.consumed);
      const declared = isRf64 && size === 0xffffffff && ds64DataBytes !== null ? ds64DataBytes : size;
      return {
        fmt,
        ...readWavFormat(fmt, 0),
        dataOffset: reader.consumed,
        declaredDataBytes: declared,
      };
    }
    const padded = size + (size & 1); // chunks are word-aligned
    if (id === 'fmt ') {
      if (size < 16 || size > MAX_FMT_CHUNK) throw new AudioFormatError(`${label} has a fmt chunk of ${size} bytes`, size);
      if (!(await reader.ensure(padded))) throw new AudioFormatError(`${label} ends inside its fmt chunk`, size);
      fmt = reader.take(size).slice();
      reader.take(padded - size);
      if (readWavFormat(fmt, 0).blockAlign === 0) throw new AudioFormatError(`${label} declares a block align of 0`, 0);
    } else if (id === 'ds64' && isRf64) {
      if (!(await reader.ensure(padded)) || size < 24) throw new AudioFormatError(`${label} has a short ds64 chunk`, size);
      const ds64 = reader.take(padded);
      ds64DataBytes = Number(new DataView(ds64.buffer, ds64.byteOffset, 24).getBigUint64(8, true));
    } else {
      if (size > MAX_SKIPPED_CHUNK) throw new AudioFormatError(`${label} has a ${size}-byte "${id}" chunk before its data`, id);
      await reader.skip(padded);
    }
  }
}

/**
 * Audio bytes a segment really holds: the declared size, or what the object holds when that
 * is less (streaming writers put 0xFFFFFFFF or 0x7FFFF000 there); whole sample frames only.
 */
export function clampDataBytes(layout: WavLayout, objectSize: number): number {
  const present = Math.max(0, objectSize - layout.dataOffset);
  const bytes = Math.min(layout.declaredDataBytes, present);
  return bytes - (bytes % layout.blockAlign);
}
