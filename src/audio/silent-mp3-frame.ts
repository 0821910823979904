import { layer3Bitrates, layer3FrameLength, sideInfoLength } from './mp3-frame-header.ts';
import type { ChannelMode, Mp3FrameHeader } from './mp3-frame-header.ts';

/** The stream a silent frame must blend into: what decoders compare between neighbouring frames. */
export type SilentFrameStream = Pick<Mp3FrameHeader, 'version' | 'sampleRate' | 'channelMode' | 'bitrateKbps'>;

const SAMPLE_RATES = { '1': [44100, 48000, 32000], '2': [22050, 24000, 16000], '2.5': [11025, 12000, 8000] } as const;
const VERSION_BITS = { '1': 3, '2': 2, '2.5': 0 } as const;
const CHANNEL_MODES: readonly ChannelMode[] = ['stereo', 'joint-stereo', 'dual-channel', 'mono'];

/**
 * One MPEG audio layer III frame that decodes to digital silence: header, then side
 * information and main data all zero. main_data_begin 0 means it takes nothing from the bit
 * reservoir before it, and part2_3_length 0 in every granule means it uses none of its own
 * bytes: a next frame that looks back into the reservoir finds zeros (a segment's first frame
 * does not look back). Global gain 0 and no Huffman data give zero spectral values: the output is
 * the previous frame's overlap tail in the first granule, exact zeros after it.
 *
 * No CRC, no padding, original/copyright/emphasis clear. The bytes are fresh: callers may keep them.
 */
export function silentMp3Frame(stream: SilentFrameStream): Uint8Array {
  const rateIndex = (SAMPLE_RATES[stream.version] as readonly number[]).indexOf(stream.sampleRate);
  if (rateIndex < 0) throw new RangeError(`${stream.sampleRate} Hz is not an MPEG-${stream.version} sample rate`);
  const bitrateIndex = layer3Bitrates(stream.version).indexOf(stream.bitrateKbps);
  if (bitrateIndex <= 0) throw new RangeError(`${stream.bitrateKbps} kbps is not an MPEG-${stream.version} layer III bitrate`);
  const channels = stream.channelMode === 'mono' ? 1 : 2;
  const length = layer3FrameLength(stream.version, stream.bitrateKbps, stream.sampleRate);
  // Every valid combination has room (the smallest, MPEG-2 stereo 8 kbps at 24 kHz, is 24 bytes
  // for 21 of header and side info); checked so a table change cannot write a cut frame.
  if (length < 4 + sideInfoLength(stream.version, channels)) {
    throw new RangeError(`a ${stream.bitrateKbps} kbps frame at ${stream.sampleRate} Hz is too short for its side information`);
  }
  const frame = new Uint8Array(length);
  frame[0] = 0xff;
  frame[1] = 0xe0 | (VERSION_BITS[stream.version] << 3) | (1 << 1) | 1; // layer III, no CRC
  frame[2] = (bitrateIndex << 4) | (rateIndex << 2);
  frame[3] = CHANNEL_MODES.indexOf(stream.channelMode) << 6; // mode extension 0: plain stereo coding
  return frame;
}
