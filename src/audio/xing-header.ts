import { crc16 } from './crc16.ts';
import type { FrameOffsetSampler } from './frame-offset-sampler.ts';
import { layer3Bitrates, layer3FrameLength, sideInfoLength } from './mp3-frame-header.ts';
import type { Mp3FrameHeader } from './mp3-frame-header.ts';

/**
 * Xing/Info (+ LAME extension) and VBRI frames: a silent first frame that tells players the
 * frame count, byte count and seek table of the stream, and LAME's gapless delay and padding.
 */

export interface LameTagInfo {
  /** The 9-byte encoder string, e.g. "LAME3.100". */
  encoder: string;
  /** Samples the encoder put before the audio. */
  encoderDelay: number;
  /** Samples after the audio, decoder delay included, as LAME counts them. */
  padding: number;
}

export interface VbrHeaderInfo {
  kind: 'Xing' | 'Info' | 'VBRI';
  frames: number | null;
  bytes: number | null;
  lame: LameTagInfo | null;
}

const XING_TAG_LENGTH = 120; // "Xing" + flags + frames + bytes + TOC + quality
const LAME_TAG_LENGTH = 36;
const VBRI_OFFSET = 4 + 32; // fixed, whatever the channel mode
/** Decoders apply gapless delay/padding only under these encoder names (ffmpeg, music-metadata). */
const GAPLESS_ENCODERS = ['LAME', 'Lavf', 'Lavc'];
export const DEFAULT_LAME_TAG: LameTagInfo = { encoder: 'LAME3.100', encoderDelay: 576, padding: 0 };

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let text = '';
  for (let i = offset; i < offset + length && i < bytes.length; i++) text += String.fromCharCode(bytes[i] ?? 0);
  return text;
}

/** Where a Xing/Info tag starts in a layer III frame with this header. */
export function xingTagOffset(header: Mp3FrameHeader): number {
  return 4 + (header.hasCrc ? 2 : 0) + header.sideInfoLength;
}

/** Reads the Xing/Info or VBRI tag of a first frame; null when the frame is ordinary audio. */
export function parseVbrHeaderFrame(frame: Uint8Array, header: Mp3FrameHeader): VbrHeaderInfo | null {
  if (header.layer !== 3) return null;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  // Some writers ignore the CRC when placing the tag: accept both places.
  for (const offset of new Set([xingTagOffset(header), 4 + header.sideInfoLength])) {
    const kind = ascii(frame, offset, 4);
    if ((kind !== 'Xing' && kind !== 'Info') || offset + 8 > frame.length) continue;
    const flags = view.getUint32(offset + 4);
    let cursor = offset + 8;
    let frames: number | null = null;
    let bytes: number | null = null;
    if (flags & 1 && cursor + 4 <= frame.length) {
      frames = view.getUint32(cursor);
      cursor += 4;
    }
    if (flags & 2 && cursor + 4 <= frame.length) {
      bytes = view.getUint32(cursor);
      cursor += 4;
    }
    if (flags & 4) cursor += 100;
    if (flags & 8) cursor += 4;
    return { kind, frames, bytes, lame: parseLameTag(frame, cursor) };
  }
  if (ascii(frame, VBRI_OFFSET, 4) === 'VBRI' && VBRI_OFFSET + 18 <= frame.length) {
    return { kind: 'VBRI', bytes: view.getUint32(VBRI_OFFSET + 10), frames: view.getUint32(VBRI_OFFSET + 14), lame: null };
  }
  return null;
}

function parseLameTag(frame: Uint8Array, offset: number): LameTagInfo | null {
  if (offset + 24 > frame.length) return null;
  const encoder = ascii(frame, offset, 9);
  if (!GAPLESS_ENCODERS.some((name) => encoder.startsWith(name))) return null;
  const b21 = frame[offset + 21] ?? 0;
  const b22 = frame[offset + 22] ?? 0;
  const b23 = frame[offset + 23] ?? 0;
  return { encoder: encoder.replace(/\0+$/, ''), encoderDelay: (b21 << 4) | (b22 >> 4), padding: ((b22 & 0x0f) << 8) | b23 };
}

export interface XingFrameParams {
  /** Any audio frame of the stream: version, sample rate and channel mode are copied from it. */
  template: Mp3FrameHeader;
  /** Every frame's bitrate when they all share one (an "Info" frame); null for VBR ("Xing"). */
  constantBitrateKbps: number | null;
  /**
   * The bitrate that sizes the frame when it must be known before the stream is (the one-pass
   * MP3 stitch reserves its room from the first audio frame). Absent: from constantBitrateKbps.
   */
  layoutBitrateKbps?: number;
  /** Audio frames, this frame excluded; their lengths and offsets. */
  frames: FrameOffsetSampler;
  /** CRC-16 of all audio frame bytes. */
  musicCrc: number;
  lame: LameTagInfo;
}

/** The bitrate index and length the Xing frame will have; the TOC depends on that length. */
export function xingFrameLayout(
  template: Mp3FrameHeader,
  constantBitrateKbps: number | null,
): { bitrateIndex: number; frameLength: number } {
  const needed = 4 + sideInfoLength(template.version, template.channels) + XING_TAG_LENGTH + LAME_TAG_LENGTH;
  const bitrates = layer3Bitrates(template.version);
  // Like LAME: for CBR keep the stream's bitrate (players that ignore the tag then still see a
  // constant-bitrate stream); go up only when that frame is too small to hold the tag.
  const preferred = constantBitrateKbps === null ? -1 : bitrates.indexOf(constantBitrateKbps);
  if (preferred > 0 && layer3FrameLength(template.version, constantBitrateKbps ?? 0, template.sampleRate) >= needed) {
    return { bitrateIndex: preferred, frameLength: layer3FrameLength(template.version, constantBitrateKbps ?? 0, template.sampleRate) };
  }
  for (let index = 1; index < bitrates.length; index++) {
    const frameLength = layer3FrameLength(template.version, bitrates[index] ?? 0, template.sampleRate);
    if (frameLength >= needed) return { bitrateIndex: index, frameLength };
  }
  // Unreachable for valid layer III sample rates: the highest bitrate always holds 312 bytes.
  throw new RangeError(`no layer III bitrate holds a Xing frame at ${template.sampleRate} Hz`);
}

/** One Info (constant bitrate) or Xing (variable) frame with a LAME extension for the whole stream. */
export function buildXingFrame(params: XingFrameParams): Uint8Array {
  const { template, frames } = params;
  const { bitrateIndex, frameLength } = xingFrameLayout(template, params.layoutBitrateKbps ?? params.constantBitrateKbps);
  const frame = new Uint8Array(frameLength);
  const view = new DataView(frame.buffer);
  const versionBits = template.version === '1' ? 3 : template.version === '2' ? 2 : 0;
  const modeBits = ['stereo', 'joint-stereo', 'dual-channel', 'mono'].indexOf(template.channelMode);
  frame[0] = 0xff;
  frame[1] = 0xe0 | (versionBits << 3) | (1 << 1) | 1; // layer III, no CRC
  frame[2] = (bitrateIndex << 4) | (template.sampleRateIndex << 2);
  frame[3] = modeBits << 6;
  // Side information stays zero: the frame decodes as silence in players that ignore the tag.
  const xing = 4 + sideInfoLength(template.version, template.channels);
  const totalBytes = frameLength + frames.byteCount;
  writeAscii(frame, xing, params.constantBitrateKbps === null ? 'Xing' : 'Info');
  view.setUint32(xing + 4, 0x0f); // frames, bytes, TOC, quality
  view.setUint32(xing + 8, frames.frameCount);
  view.setUint32(xing + 12, totalBytes);
  frame.set(frames.toc(frameLength), xing + 16);
  view.setUint32(xing + 116, 0);

  const lame = xing + XING_TAG_LENGTH;
  writeAscii(frame, lame, params.lame.encoder.padEnd(9, ' ').slice(0, 9));
  frame[lame + 9] = params.constantBitrateKbps === null ? 0x00 : 0x01; // tag revision 0; CBR or unknown VBR method
  frame[lame + 20] = Math.min(255, params.constantBitrateKbps ?? 0);
  const delay = Math.min(0xfff, Math.max(0, params.lame.encoderDelay));
  const padding = Math.min(0xfff, Math.max(0, params.lame.padding));
  frame[lame + 21] = delay >> 4;
  frame[lame + 22] = ((delay & 0x0f) << 4) | (padding >> 8);
  frame[lame + 23] = padding & 0xff;
  view.setUint32(lame + 28, totalBytes);
  view.setUint16(lame + 32, params.musicCrc);
  // The tag CRC covers the frame from its first byte up to the CRC itself: 190 bytes for
  // MPEG-1 stereo, fewer otherwise (ffmpeg's reader checksums exactly that span).
  view.setUint16(lame + 34, crc16(frame.subarray(0, lame + 34)));
  return frame;
}

function writeAscii(target: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i) & 0xff;
}
