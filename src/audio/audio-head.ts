import { parseMp3FrameHeader } from './mp3-frame-header.ts';
import { id3v2TagLength } from './mp3-tags.ts';
import { sniffContainer, type SniffedContainer } from './sniff-container.ts';
import { isWavProblem, WAVE_FORMAT_PCM } from './wav/parse-wav-header.ts';
import { readWavHeaderFromBytes } from './wav/read-wav-header.ts';

/** What the first bytes of an audio file say about it; fields are absent when the head did not tell. */
export interface AudioHead {
  container: SniffedContainer;
  sampleRate?: number;
  channels?: number;
  /** wav (from fmt) and flac (from STREAMINFO). */
  bitsPerSample?: number;
  /** wav: 1 for integer PCM (WAVE_FORMAT_EXTENSIBLE with a PCM sub-format counts as 1). */
  formatTag?: number;
  /** wav: bytes per sample frame (all channels), and where the data payload starts. */
  blockAlign?: number;
  dataOffset?: number;
  /** mp3: the first audio frame's bitrate, in bits/s. */
  bitrate?: number;
  /**
   * wav: the file length its header promises (data offset + data size), when the header states
   * one. The placeholders of streaming writers (0, 0x7FFFF000 and up) promise nothing.
   */
  declaredBytes?: number;
}

/** Heads longer than this (big ID3 tags with cover art, odd chunks) are not parsed; the audio is converted instead. */
export const MAX_HEAD_BYTES = 64 * 1024;

/** Data sizes from here up (≈ 2 GiB) are placeholders, not lengths: no segment is that long. */
const PLACEHOLDER_DATA_SIZE = 0x7fff0000;

/**
 * Reads the head of an audio file. Returns undefined while more bytes could still tell more
 * (a wav header not complete yet); with `final` (the file ended, or MAX_HEAD_BYTES came) it
 * answers with whatever it found.
 */
export function readAudioHead(bytes: Uint8Array, final: boolean): AudioHead | undefined {
  const container = sniffContainer(bytes);
  if (container === 'unknown' && bytes.length < 12 && !final) return undefined;
  switch (container) {
    case 'wav':
      return readWavHead(bytes, final);
    case 'mp3':
      return readMp3Head(bytes, final);
    case 'flac':
      return readFlacHead(bytes, final);
    case 'unknown':
      return { container };
  }
}

/**
 * Lenient: a header the stitcher would refuse still reports what it said before the problem
 * (the caller then refuses or converts the audio); only a head cut short waits for more bytes.
 */
function readWavHead(bytes: Uint8Array, final: boolean): AudioHead | undefined {
  const result = readWavHeaderFromBytes(bytes);
  if (isWavProblem(result) && result.truncated && !final) return undefined;
  const said = isWavProblem(result) ? result.seen : { ...result, format: result };
  const head: AudioHead = { container: 'wav' };
  if (said.format !== undefined) {
    const { pcm, formatTag, channels, sampleRate, blockAlign, bitsPerSample } = said.format;
    Object.assign(head, { formatTag: pcm ? WAVE_FORMAT_PCM : formatTag, channels, sampleRate, blockAlign, bitsPerSample });
  }
  if (said.dataOffset !== undefined) {
    head.dataOffset = said.dataOffset;
    // Streaming writers cannot know the length up front: they put 0, 0xFFFFFFFF (ffmpeg) or
    // 0x7FFFF000 (espeak-ng, sox) there. RF64 keeps the real size in its ds64 chunk.
    const size = said.declaredDataBytes ?? 0;
    if (said.rf64 !== true && size !== 0 && size < PLACEHOLDER_DATA_SIZE) head.declaredBytes = said.dataOffset + size;
  }
  return head;
}

function readMp3Head(bytes: Uint8Array, final: boolean): AudioHead | undefined {
  const tagLength = id3v2TagLength(bytes, 0);
  if (tagLength === null && bytes.length < 10 && !final && bytes[0] === 0x49 /* I of ID3 */) return undefined;
  const frameOffset = tagLength ?? 0;
  const frame = parseMp3FrameHeader(bytes, frameOffset);
  if (frame === null) return frameOffset + 4 > bytes.length && !final ? undefined : { container: 'mp3' };
  if (frame.layer !== 3) return { container: 'mp3' };
  return { container: 'mp3', sampleRate: frame.sampleRate, channels: frame.channels, bitrate: frame.bitrateKbps * 1000 };
}

/** fLaC, then the STREAMINFO metadata block (always first): rate 20 bits, channels-1 3 bits, bits-1 5 bits. */
function readFlacHead(bytes: Uint8Array, final: boolean): AudioHead | undefined {
  const info = 8; // 4 bytes "fLaC" + a 4-byte block header
  if (bytes.length < info + 18) return final ? { container: 'flac' } : undefined;
  if (((bytes[4] ?? 0) & 0x7f) !== 0) return { container: 'flac' };
  const b10 = bytes[info + 10] ?? 0;
  const b11 = bytes[info + 11] ?? 0;
  const b12 = bytes[info + 12] ?? 0;
  const b13 = bytes[info + 13] ?? 0;
  return {
    container: 'flac',
    sampleRate: (b10 << 12) | (b11 << 4) | (b12 >> 4),
    channels: ((b12 >> 1) & 0x07) + 1,
    bitsPerSample: (((b12 & 1) << 4) | (b13 >> 4)) + 1,
  };
}
