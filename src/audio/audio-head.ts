import { parseMp3FrameHeader } from './mp3-frame-header.ts';
import { id3v2TagLength } from './mp3-tags.ts';
import { isExtensiblePcm, readWavFormat, riffChunks, WAVE_FORMAT_PCM } from './riff.ts';
import { sniffContainer, type SniffedContainer } from './sniff-container.ts';

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

function readWavHead(bytes: Uint8Array, final: boolean): AudioHead | undefined {
  const head: AudioHead = { container: 'wav' };
  for (const { id, size, body } of riffChunks(bytes)) {
    if (id === 'data') {
      head.dataOffset = body;
      // Streaming writers cannot know the length up front: they put 0, 0xFFFFFFFF (ffmpeg) or
      // 0x7FFFF000 (espeak-ng, sox) there. RF64 keeps the real size in its ds64 chunk.
      const isRiff = bytes[1] === 0x49; // RIFF, not RF64
      if (isRiff && size !== 0 && size < PLACEHOLDER_DATA_SIZE) head.declaredBytes = body + size;
      return head;
    }
    if (id === 'fmt ') {
      if (body + 16 > bytes.length) break;
      const format = readWavFormat(bytes, body);
      head.formatTag = isExtensiblePcm(bytes, body, size) ? WAVE_FORMAT_PCM : format.formatTag;
      head.channels = format.channels;
      head.sampleRate = format.sampleRate;
      head.blockAlign = format.blockAlign;
      head.bitsPerSample = format.bitsPerSample;
    }
  }
  return final ? head : undefined;
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
