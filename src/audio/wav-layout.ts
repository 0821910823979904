import { AudioFormatError } from '../errors/audio-format-error.ts';
import type { ByteReader } from '../util/byte-reader.ts';
import { hexPreview, isWavProblem } from './wav/parse-wav-header.ts';
import { readWavHeaderFromReader } from './wav/read-wav-header.ts';

/** The parts of a RIFF/WAVE (or RF64) header a join needs. */
export interface WavLayout {
  /** The `fmt ` chunk body exactly as written: segments join only when these bytes agree. */
  fmt: Uint8Array;
  /** As written: WAVE_FORMAT_EXTENSIBLE stays 0xfffe here. */
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

/** "24000 Hz, 1 channel, 16-bit, format 1": for error messages. */
export function describeWavFormat(layout: Pick<WavLayout, 'sampleRate' | 'channels' | 'bitsPerSample' | 'formatTag'>): string {
  const channels = layout.channels === 1 ? '1 channel' : `${layout.channels} channels`;
  return `${layout.sampleRate} Hz, ${channels}, ${layout.bitsPerSample}-bit, format 0x${layout.formatTag.toString(16)}`;
}

/**
 * Reads the header up to the start of the data payload and leaves the reader there; chunks
 * it skips are not buffered. `label` names the object in errors.
 */
export async function readWavLayout(reader: ByteReader, label: string): Promise<WavLayout> {
  const header = await readWavHeaderFromReader(reader);
  if (isWavProblem(header)) {
    const value = header.code === 'NOT_WAV' && header.value instanceof Uint8Array ? hexPreview(header.value) : header.value;
    throw new AudioFormatError(`${label} ${header.detail}`, value);
  }
  const { fmt, formatTag, channels, sampleRate, blockAlign, bitsPerSample, dataOffset, declaredDataBytes } = header;
  return { fmt, formatTag, channels, sampleRate, blockAlign, bitsPerSample, dataOffset, declaredDataBytes };
}

/**
 * Audio bytes a segment really holds: the declared size, or what the object holds when that
 * is less (streaming writers put 0xFFFFFFFF or 0x7FFFF000 there, or 0, which the answer check
 * accepts too: all three mean "to the end"); whole sample frames only.
 */
export function clampDataBytes(layout: Pick<WavLayout, 'dataOffset' | 'declaredDataBytes' | 'blockAlign'>, objectSize: number): number {
  const present = Math.max(0, objectSize - layout.dataOffset);
  const bytes = layout.declaredDataBytes === 0 ? present : Math.min(layout.declaredDataBytes, present);
  return bytes - (bytes % layout.blockAlign);
}
