/** MPEG audio frame headers (ISO 11172-3 / 13818-3, plus the unofficial MPEG 2.5). */

export type MpegVersion = '1' | '2' | '2.5';
export type MpegLayer = 1 | 2 | 3;
export type ChannelMode = 'stereo' | 'joint-stereo' | 'dual-channel' | 'mono';

export interface Mp3FrameHeader {
  version: MpegVersion;
  layer: MpegLayer;
  /** Kilobits per second; free-format frames (index 0) are rejected, so never 0. */
  bitrateKbps: number;
  /** The 4-bit bitrate index, kept so a new header can reuse the table. */
  bitrateIndex: number;
  sampleRate: number;
  /** The 2-bit sample-rate index within the version's table. */
  sampleRateIndex: number;
  padding: boolean;
  /** True when a 16-bit CRC follows the header. */
  hasCrc: boolean;
  channelMode: ChannelMode;
  channels: 1 | 2;
  /** Whole frame in bytes, header included. */
  frameLength: number;
  samplesPerFrame: number;
  /** Layer III side information length; where a Xing/Info tag starts after header and CRC. */
  sideInfoLength: number;
}

const BITRATES_KBPS: Record<'v1' | 'v2', Record<MpegLayer, readonly number[]>> = {
  v1: {
    1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  },
  v2: {
    1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    3: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  },
};

const SAMPLE_RATES: Record<MpegVersion, readonly number[]> = {
  '1': [44100, 48000, 32000],
  '2': [22050, 24000, 16000],
  '2.5': [11025, 12000, 8000],
};

const CHANNEL_MODES: readonly ChannelMode[] = ['stereo', 'joint-stereo', 'dual-channel', 'mono'];

/**
 * Parses the 4-byte header at `offset`, or returns null when those bytes are not a usable
 * frame header (no sync, reserved version/layer/sample rate, free-format or bad bitrate,
 * reserved emphasis). Needs 4 bytes; fewer is null too.
 */
export function parseMp3FrameHeader(bytes: Uint8Array, offset = 0): Mp3FrameHeader | null {
  if (offset + 4 > bytes.length) return null;
  const b0 = bytes[offset] ?? 0;
  const b1 = bytes[offset + 1] ?? 0;
  const b2 = bytes[offset + 2] ?? 0;
  const b3 = bytes[offset + 3] ?? 0;
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  if (versionBits === 1 || layerBits === 0) return null;
  const version: MpegVersion = versionBits === 3 ? '1' : versionBits === 2 ? '2' : '2.5';
  const layer = (4 - layerBits) as MpegLayer;
  const bitrateIndex = b2 >> 4;
  const sampleRateIndex = (b2 >> 2) & 3;
  if (bitrateIndex === 0 || bitrateIndex === 15 || sampleRateIndex === 3) return null;
  if ((b3 & 3) === 2) return null; // reserved emphasis: real encoders never write it
  const bitrateKbps = BITRATES_KBPS[version === '1' ? 'v1' : 'v2'][layer][bitrateIndex] ?? 0;
  const sampleRate = SAMPLE_RATES[version][sampleRateIndex] ?? 0;
  const padding = ((b2 >> 1) & 1) === 1;
  const channelMode = CHANNEL_MODES[b3 >> 6] ?? 'stereo';
  const channels = channelMode === 'mono' ? 1 : 2;
  const samplesPerFrame = layer === 1 ? 384 : layer === 2 || version === '1' ? 1152 : 576;
  const frameLength =
    layer === 1
      ? (Math.floor((12 * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0)) * 4
      : Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0);
  return {
    version,
    layer,
    bitrateKbps,
    bitrateIndex,
    sampleRate,
    sampleRateIndex,
    padding,
    hasCrc: (b1 & 1) === 0,
    channelMode,
    channels,
    frameLength,
    samplesPerFrame,
    sideInfoLength: sideInfoLength(version, channels),
  };
}

export function sideInfoLength(version: MpegVersion, channels: 1 | 2): number {
  if (version === '1') return channels === 1 ? 17 : 32;
  return channels === 1 ? 9 : 17;
}

/** Layer III frame length for a bitrate, without padding. */
export function layer3FrameLength(version: MpegVersion, bitrateKbps: number, sampleRate: number): number {
  const samplesPerFrame = version === '1' ? 1152 : 576;
  return Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate);
}

/** The layer III bitrates of a version, indexed by the header's 4-bit bitrate index. */
export function layer3Bitrates(version: MpegVersion): readonly number[] {
  return BITRATES_KBPS[version === '1' ? 'v1' : 'v2'][3];
}

/** "MPEG-2 layer III 24000 Hz mono", for error messages. */
export function describeMp3Format(header: Mp3FrameHeader): string {
  const layer = header.layer === 3 ? 'III' : header.layer === 2 ? 'II' : 'I';
  return `MPEG-${header.version} layer ${layer} ${header.sampleRate} Hz ${header.channels === 1 ? 'mono' : 'stereo'}`;
}
