import { concatBytes } from '../../support/concat-bytes.ts';
/**
 * A minimal FLAC writer for simulators: STREAMINFO plus frames of VERBATIM subframes (no
 * compression), 16-bit samples. Enough for a real decoder to play it and for the stitcher to see
 * real FLAC framing; sizes are those of the raw PCM.
 */
const BLOCK_SIZE = 4096;

/** Encodes interleaved signed 16-bit little-endian PCM. */
export function encodeFlacVerbatim(pcm: Uint8Array, sampleRate: number, channels: 1 | 2): Uint8Array {
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const totalSamples = Math.floor(pcm.byteLength / (2 * channels));
  const parts: Uint8Array[] = [streamInfo(sampleRate, channels, totalSamples)];
  let frameNumber = 0;
  for (let start = 0; start < totalSamples; start += BLOCK_SIZE) {
    const size = Math.min(BLOCK_SIZE, totalSamples - start);
    parts.push(frame(view, start, size, channels, frameNumber));
    frameNumber += 1;
  }
  return concatBytes(parts);
}

function streamInfo(sampleRate: number, channels: number, totalSamples: number): Uint8Array {
  const block = new Uint8Array(4 + 4 + 34);
  block.set([0x66, 0x4c, 0x61, 0x43]); // fLaC
  block[4] = 0x80; // last metadata block, type 0 (STREAMINFO)
  block[7] = 34;
  const info = new DataView(block.buffer, 8, 34);
  info.setUint16(0, BLOCK_SIZE); // min block size (the last block may be smaller, as FLAC allows)
  info.setUint16(2, BLOCK_SIZE);
  // min/max frame size 0 = unknown; sample rate 20 bits, channels-1 3 bits, bps-1 5 bits, total 36 bits
  const high = (sampleRate << 12) | ((channels - 1) << 9) | (15 << 4) | Math.floor(totalSamples / 2 ** 32);
  info.setUint32(10, high >>> 0);
  info.setUint32(14, totalSamples >>> 0);
  // MD5 left zero: "unknown", which decoders accept.
  return block;
}

function frame(pcm: DataView, start: number, size: number, channels: number, frameNumber: number): Uint8Array {
  const header = [0xff, 0xf8, 0x70 /* block size: 16-bit at end; rate: from STREAMINFO */, ((channels - 1) << 4) | (0b100 << 1)];
  header.push(...utf8Number(frameNumber));
  header.push(((size - 1) >> 8) & 0xff, (size - 1) & 0xff);
  header.push(crc8(header));
  const out = new Uint8Array(header.length + channels * (1 + size * 2) + 2);
  out.set(header);
  const body = new DataView(out.buffer);
  let offset = header.length;
  for (let channel = 0; channel < channels; channel += 1) {
    out[offset] = 0x02; // VERBATIM subframe, no wasted bits
    offset += 1;
    for (let i = 0; i < size; i += 1) {
      body.setInt16(offset, pcm.getInt16(((start + i) * channels + channel) * 2, true));
      offset += 2;
    }
  }
  body.setUint16(offset, crc16(out.subarray(0, offset)));
  return out;
}

/** FLAC's "UTF-8" coding of the frame number (up to 36 bits, 1 to 7 bytes). */
function utf8Number(value: number): number[] {
  if (value < 0x80) return [value];
  for (let length = 2; length <= 7; length += 1) {
    if (value >= 2 ** (7 - length + 6 * (length - 1))) continue;
    const bytes: number[] = [];
    let rest = value;
    for (let i = 1; i < length; i += 1) {
      bytes.unshift(0x80 | (rest & 0x3f));
      rest = Math.floor(rest / 64);
    }
    bytes.unshift(((0xff << (8 - length)) & 0xff) | rest);
    return bytes;
  }
  throw new RangeError(`FLAC frame number ${value} needs more than 36 bits`);
}

function crc8(bytes: readonly number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}
