import { Mp3Encoder } from '@breezystack/lamejs';
import { concatBytes } from '../../support/concat-bytes.ts';
import { encodeFlacVerbatim } from './flac-verbatim.ts';

/**
 * Encodes mono samples a simulator made itself (a bad take, see take-faults.ts) into the format a
 * request asked for, wrapped as the simulator wraps its normal audio. test/support/audio-synth.ts
 * encodes only the tones it synthesizes; this takes any samples.
 */
export interface SampleEncoding {
  format: 'mp3' | 'wav' | 'pcm' | 'flac';
  sampleRate: number;
  /** Stereo carries the same signal on both channels, as the simulators' tones do. */
  channels: 1 | 2;
  /** mp3 only, bits per second (default 64 000). */
  bitrate?: number;
  /** mp3: an ID3v2.4 tag before the audio. */
  id3?: boolean;
  /** mp3: a LAME Info frame (frame count, encoder delay and padding) before the audio. */
  xing?: boolean;
}

/** What lamejs delays its output by (its look-ahead), as LAME records it. */
const LAME_ENCODER_DELAY = 576;

export function encodeSamples(samples: Int16Array, encoding: SampleEncoding): Uint8Array {
  switch (encoding.format) {
    case 'pcm':
      return interleaved(samples, encoding.channels);
    case 'wav':
      return concatBytes([wavHeader(encoding.sampleRate, encoding.channels, samples.length), interleaved(samples, encoding.channels)]);
    case 'flac':
      return encodeFlacVerbatim(interleaved(samples, encoding.channels), encoding.sampleRate, encoding.channels);
    case 'mp3':
      return encodeMp3(samples, encoding);
  }
}

/** Mono s16le bytes as samples (a copy: the bytes may sit at an odd offset). */
export function samplesOf(pcm: Uint8Array): Int16Array {
  const samples = new Int16Array(pcm.length >> 1);
  new Uint8Array(samples.buffer).set(pcm.subarray(0, samples.length * 2));
  return samples;
}

/** s16le, the channels interleaved (each the same signal). */
export function interleaved(samples: Int16Array, channels: 1 | 2): Uint8Array {
  const out = new Uint8Array(samples.length * 2 * channels);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i += 1) {
    for (let c = 0; c < channels; c += 1) view.setInt16((i * channels + c) * 2, samples[i] ?? 0, true);
  }
  return out;
}

/** A RIFF/WAVE header with the real sizes, 16-bit PCM. */
export function wavHeader(sampleRate: number, channels: 1 | 2, frames: number): Uint8Array {
  const dataBytes = frames * channels * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return new Uint8Array(header);
}

function encodeMp3(samples: Int16Array, encoding: SampleEncoding): Uint8Array {
  const encoder = new Mp3Encoder(encoding.channels, encoding.sampleRate, Math.round((encoding.bitrate ?? 64_000) / 1000));
  const parts: Uint8Array[] = [];
  const block = 1152 * 16;
  for (let start = 0; start < samples.length; start += block) {
    const chunk = samples.subarray(start, start + block);
    const encoded = encoding.channels === 2 ? encoder.encodeBuffer(chunk, chunk) : encoder.encodeBuffer(chunk);
    if (encoded.length > 0) parts.push(new Uint8Array(encoded));
  }
  const tail = encoder.flush();
  if (tail.length > 0) parts.push(new Uint8Array(tail));
  const frames = concatBytes(parts);
  const head: Uint8Array[] = [];
  if (encoding.id3 === true) head.push(id3Tag('Simulated take'));
  if (encoding.xing === true && frames.length > 0) head.push(infoFrame(frames, samples.length, encoding.sampleRate));
  return concatBytes([...head, frames]);
}

function id3Tag(title: string): Uint8Array {
  const body = Buffer.concat([Buffer.from([3]), Buffer.from(title, 'utf8')]); // 3 = UTF-8
  const frame = Buffer.alloc(10 + body.length);
  frame.write('TIT2', 0, 'ascii');
  frame.set(syncsafe(body.length), 4);
  body.copy(frame, 10);
  const padding = 16;
  const header = Buffer.alloc(10);
  header.write('ID3', 0, 'ascii');
  header[3] = 4;
  header.set(syncsafe(frame.length + padding), 6);
  return concatBytes([header, frame, new Uint8Array(padding)]);
}

function syncsafe(value: number): number[] {
  return [(value >>> 21) & 0x7f, (value >>> 14) & 0x7f, (value >>> 7) & 0x7f, value & 0x7f];
}

const KBPS_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const KBPS_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

/**
 * A LAME Info frame for `frames` (CBR layer III as lamejs writes it): same version, rate and mode
 * as the audio, the smallest bitrate whose frame holds the tag, the frame and byte counts, a flat
 * TOC, and the encoder delay and padding a gapless decoder drops.
 */
function infoFrame(frames: Uint8Array, samples: number, requestedRate: number): Uint8Array {
  const b1 = frames[1] ?? 0;
  const b2 = frames[2] ?? 0;
  const b3 = frames[3] ?? 0;
  const versionBits = (b1 >> 3) & 3;
  const mpeg1 = versionBits === 3;
  const base = [11025, 12000, 8000][(b2 >> 2) & 3] ?? 0;
  const sampleRate = mpeg1 ? base * 4 : versionBits === 2 ? base * 2 : base;
  const mono = b3 >> 6 === 3;
  const table = mpeg1 ? KBPS_V1 : KBPS_V2;
  const coefficient = mpeg1 ? 144 : 72;
  const xingOffset = 4 + (mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17);
  const needed = xingOffset + 120 + 36;
  let index = 1;
  let length = 0;
  for (; index < table.length; index += 1) {
    length = Math.floor((coefficient * (table[index] ?? 0) * 1000) / sampleRate);
    if (length >= needed) break;
  }
  let count = 0;
  for (let offset = 0; offset + 4 <= frames.length && frames[offset] === 0xff; count += 1) {
    const bits = frames[offset + 2] ?? 0;
    const size = Math.floor((coefficient * (table[bits >> 4] ?? 0) * 1000) / sampleRate) + ((bits >> 1) & 1);
    if (size <= 0) break;
    offset += size;
  }
  const frame = Buffer.alloc(length);
  frame[0] = 0xff;
  frame[1] = b1 | 1; // no CRC
  frame[2] = (index << 4) | (b2 & 0x0c);
  frame[3] = b3;
  frame.write('Info', xingOffset, 'ascii');
  frame.writeUInt32BE(0x0f, xingOffset + 4);
  frame.writeUInt32BE(count, xingOffset + 8);
  frame.writeUInt32BE(frames.length + length, xingOffset + 12);
  for (let i = 0; i < 100; i += 1) frame[xingOffset + 16 + i] = Math.floor((i * 256) / 100);
  frame.writeUInt32BE(57, xingOffset + 116);
  const lame = xingOffset + 120;
  frame.write('LAME3.100', lame, 'ascii');
  frame[lame + 9] = 0x01; // tag revision 0, CBR
  frame[lame + 20] = Math.min(255, table[b2 >> 4] ?? 0);
  const encoded = Math.round((samples * sampleRate) / requestedRate);
  const padding = Math.min(0xfff, Math.max(0, count * (mpeg1 ? 1152 : 576) - LAME_ENCODER_DELAY - encoded));
  frame[lame + 21] = (LAME_ENCODER_DELAY >> 4) & 0xff;
  frame[lame + 22] = ((LAME_ENCODER_DELAY & 0x0f) << 4) | ((padding >> 8) & 0x0f);
  frame[lame + 23] = padding & 0xff;
  frame.writeUInt32BE(frames.length + length, lame + 28);
  frame.writeUInt16BE(crc16(frame.subarray(0, lame + 34)), lame + 34);
  return new Uint8Array(frame);
}

/** CRC-16/ARC, the one LAME uses for its tag CRC. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc & 0xffff;
}
