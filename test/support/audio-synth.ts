import { Mp3Encoder } from '@breezystack/lamejs';
import { concatBytes } from './concat-bytes.ts';

/**
 * Synthetic audio for tests and provider simulators: a sine tone with a short fade in and out,
 * so neighbouring segments are audibly distinct when each call picks its own pitch.
 */
export interface SynthAudioOptions {
  durationMs: number;
  sampleRate: number;
  channels: 1 | 2;
  /** Bits per second, mp3 only; default 64 000. */
  bitrate?: number;
  /** Tone pitch; default 440. */
  frequencyHz?: number;
  /** mp3: prepend an ID3v2.4 tag with a TIT2 frame, as providers do. */
  id3?: boolean;
  /** mp3: lamejs writes no Xing frame; when true prepend a valid Info frame like LAME's. */
  xing?: boolean;
  /** Append a 128-byte ID3v1 TAG. */
  id3v1?: boolean;
  /** Stretches of digital silence inside the tone (a simulated pause), each faded like the tone's ends. */
  silences?: readonly { atMs: number; durationMs: number }[];
  /**
   * Fade in at the start and out at the end (default true). False: the tone starts and stops at
   * full level, so files of whole periods joined back to back are one unbroken tone.
   */
  fadeEnds?: boolean;
}

const FADE_MS = 10;
const AMPLITUDE = 0.3 * 32767;
const DEFAULT_MP3_BITRATE = 64_000;
/** What LAME records as its encoder delay; lamejs has the same 576-sample look-ahead. */
const LAME_ENCODER_DELAY = 576;

/** Encoding is the slow part (lamejs is pure JS); identical requests reuse the first result. */
const mp3Cache = new Map<string, Uint8Array>();

function sampleCount(options: SynthAudioOptions): number {
  return Math.round((options.durationMs * options.sampleRate) / 1000);
}

/** One channel of the tone; both channels of a stereo file carry the same signal. */
function toneSamples(options: SynthAudioOptions): Int16Array {
  const count = sampleCount(options);
  const frequency = options.frequencyHz ?? 440;
  const fade = Math.max(1, Math.round((FADE_MS * options.sampleRate) / 1000));
  const samples = new Int16Array(count);
  const step = (2 * Math.PI * frequency) / options.sampleRate;
  const quiet = (options.silences ?? []).map((silence) => ({
    from: Math.round((silence.atMs * options.sampleRate) / 1000),
    to: Math.round(((silence.atMs + silence.durationMs) * options.sampleRate) / 1000),
  }));
  for (let i = 0; i < count; i++) {
    let envelope = options.fadeEnds === false ? 1 : Math.min(1, i / fade, (count - 1 - i) / fade);
    for (const { from, to } of quiet) envelope = Math.min(envelope, i < from ? (from - i) / fade : i >= to ? (i - to + 1) / fade : 0);
    samples[i] = Math.round(Math.sin(step * i) * AMPLITUDE * Math.max(0, envelope));
  }
  return samples;
}

/** Raw signed 16-bit little-endian samples, channels interleaved. */
export function synthPcm(options: SynthAudioOptions): Uint8Array {
  const mono = toneSamples(options);
  const out = new Uint8Array(mono.length * 2 * options.channels);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const sample of mono) {
    for (let c = 0; c < options.channels; c++) {
      view.setInt16(offset, sample, true);
      offset += 2;
    }
  }
  return withId3v1(out, options);
}

/** RIFF/WAVE, 16-bit PCM, with the real chunk sizes. */
export function synthWav(options: SynthAudioOptions): Uint8Array {
  const pcm = synthPcm({ ...options, id3v1: false });
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const blockAlign = options.channels * 2;
  writeAscii(header, 0, 'RIFF');
  view.setUint32(4, 36 + pcm.length, true);
  writeAscii(header, 8, 'WAVE');
  writeAscii(header, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, options.channels, true);
  view.setUint32(24, options.sampleRate, true);
  view.setUint32(28, options.sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true);
  writeAscii(header, 36, 'data');
  view.setUint32(40, pcm.length, true);
  return withId3v1(concatBytes([header, pcm]), options);
}

/**
 * Real, decodable MPEG audio layer III encoded by lamejs, optionally wrapped the way providers
 * wrap it. Mind that lamejs may pick a lower sample rate for low bitrates (see below).
 */
export function synthMp3(options: SynthAudioOptions): Uint8Array {
  const key = JSON.stringify([
    options.durationMs,
    options.sampleRate,
    options.channels,
    options.bitrate ?? DEFAULT_MP3_BITRATE,
    options.frequencyHz ?? 440,
    options.id3 ?? false,
    options.xing ?? false,
    options.id3v1 ?? false,
    options.silences ?? [],
    options.fadeEnds ?? true,
  ]);
  const cached = mp3Cache.get(key);
  if (cached) return cached.slice();
  const frames = encodeMp3(options);
  // lamejs quietly resamples when the bitrate is low for the rate (32 kbps at 24 kHz comes
  // out at 22.05 kHz); callers that must honour the rate check the first frame (the SenseAudio
  // simulator raises the bitrate). The Info frame counts samples at the rate encoded.
  const encodedRate = readFirstHeader(frames).sampleRate;
  const encodedSamples = Math.round((sampleCount(options) * encodedRate) / options.sampleRate);
  const parts: Uint8Array[] = [];
  if (options.id3) parts.push(id3v24Tag(`Tone ${options.frequencyHz ?? 440} Hz`));
  if (options.xing) parts.push(lameInfoFrame(frames, encodedSamples));
  parts.push(frames);
  const result = withId3v1(concatBytes(parts), options);
  mp3Cache.set(key, result);
  return result.slice();
}

export function synthAudio(format: 'mp3' | 'wav' | 'pcm', options: SynthAudioOptions): Uint8Array {
  switch (format) {
    case 'mp3':
      return synthMp3(options);
    case 'wav':
      return synthWav(options);
    case 'pcm':
      return synthPcm(options);
  }
}

function encodeMp3(options: SynthAudioOptions): Uint8Array {
  const kbps = Math.round((options.bitrate ?? DEFAULT_MP3_BITRATE) / 1000);
  const encoder = new Mp3Encoder(options.channels, options.sampleRate, kbps);
  const samples = toneSamples(options);
  const parts: Uint8Array[] = [];
  const block = 1152 * 16;
  for (let start = 0; start < samples.length; start += block) {
    const chunk = samples.subarray(start, start + block);
    const encoded = options.channels === 2 ? encoder.encodeBuffer(chunk, chunk) : encoder.encodeBuffer(chunk);
    if (encoded.length > 0) parts.push(new Uint8Array(encoded));
  }
  const tail = encoder.flush();
  if (tail.length > 0) parts.push(new Uint8Array(tail));
  return concatBytes(parts);
}

// --- ID3 tags ---------------------------------------------------------------------------------

function id3v24Tag(title: string): Uint8Array {
  const text = new TextEncoder().encode(title);
  const frameBody = concatBytes([Uint8Array.of(3), text]); // 3 = UTF-8
  const frame = new Uint8Array(10 + frameBody.length);
  writeAscii(frame, 0, 'TIT2');
  frame.set(syncsafe(frameBody.length), 4); // v2.4 frame sizes are syncsafe too
  frame.set(frameBody, 10);
  const padding = 16; // providers often leave padding; the stitcher must skip it with the tag
  const header = new Uint8Array(10);
  writeAscii(header, 0, 'ID3');
  header[3] = 4;
  header.set(syncsafe(frame.length + padding), 6);
  return concatBytes([header, frame, new Uint8Array(padding)]);
}

function syncsafe(value: number): Uint8Array {
  return Uint8Array.of((value >>> 21) & 0x7f, (value >>> 14) & 0x7f, (value >>> 7) & 0x7f, value & 0x7f);
}

function withId3v1(bytes: Uint8Array, options: SynthAudioOptions): Uint8Array {
  if (!options.id3v1) return bytes;
  const tag = new Uint8Array(128);
  writeAscii(tag, 0, 'TAG');
  writeAscii(tag, 3, 'Synthetic tone');
  tag[127] = 255; // genre: none
  return concatBytes([bytes, tag]);
}

// --- a LAME-style Info frame --------------------------------------------------------------------
// Built here independently of src/stitcher so that the stitcher's Xing detection is tested
// against bytes it did not produce itself.

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

interface FirstHeader {
  bytes: number;
  mpeg1: boolean;
  mono: boolean;
  sampleRate: number;
}

function readFirstHeader(frames: Uint8Array): FirstHeader {
  const b1 = frames[1] ?? 0;
  const b2 = frames[2] ?? 0;
  const b3 = frames[3] ?? 0;
  if (frames[0] !== 0xff || (b1 & 0xe0) !== 0xe0) throw new Error('lamejs output does not start with a frame sync');
  const versionBits = (b1 >> 3) & 3;
  const base = [11025, 12000, 8000][(b2 >> 2) & 3] ?? 0;
  const sampleRate = versionBits === 3 ? base * 4 : versionBits === 2 ? base * 2 : base;
  return { bytes: ((0xff << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0, mpeg1: versionBits === 3, mono: b3 >> 6 === 3, sampleRate };
}

function countFrames(frames: Uint8Array, first: FirstHeader): number {
  let count = 0;
  let offset = 0;
  while (offset + 4 <= frames.length && frames[offset] === 0xff) {
    const b2 = frames[offset + 2] ?? 0;
    const table = first.mpeg1 ? BITRATES_V1 : BITRATES_V2;
    const kbps = table[b2 >> 4] ?? 0;
    const length = Math.floor(((first.mpeg1 ? 144 : 72) * kbps * 1000) / first.sampleRate) + ((b2 >> 1) & 1);
    if (length <= 0) break;
    offset += length;
    count++;
  }
  return count;
}

function lameInfoFrame(frames: Uint8Array, samples: number): Uint8Array {
  const first = readFirstHeader(frames);
  const sideInfo = first.mpeg1 ? (first.mono ? 17 : 32) : first.mono ? 9 : 17;
  const xingOffset = 4 + sideInfo;
  const needed = xingOffset + 120 + 36;
  const table = first.mpeg1 ? BITRATES_V1 : BITRATES_V2;
  const coefficient = first.mpeg1 ? 144 : 72;
  // The smallest bitrate whose frame holds the tag (LAME keeps the CBR bitrate when it fits;
  // decoders accept either).
  let index = 1;
  let length = 0;
  for (; index < table.length; index++) {
    length = Math.floor((coefficient * (table[index] ?? 0) * 1000) / first.sampleRate);
    if (length >= needed) break;
  }
  const frame = new Uint8Array(length);
  const view = new DataView(frame.buffer);
  // Same version, sample rate and channel mode as the audio; our bitrate; no padding, no CRC.
  frame[0] = 0xff;
  frame[1] = ((first.bytes >>> 16) & 0xff) | 1;
  frame[2] = (index << 4) | ((first.bytes >>> 8) & 0x0c);
  frame[3] = first.bytes & 0xff;
  const frameCount = countFrames(frames, first);
  writeAscii(frame, xingOffset, 'Info');
  view.setUint32(xingOffset + 4, 0x0f);
  view.setUint32(xingOffset + 8, frameCount);
  view.setUint32(xingOffset + 12, frames.length + length);
  for (let i = 0; i < 100; i++) frame[xingOffset + 16 + i] = Math.floor((i * 256) / 100);
  view.setUint32(xingOffset + 116, 57);
  const lame = xingOffset + 120;
  writeAscii(frame, lame, 'LAME3.100');
  frame[lame + 9] = 0x01; // tag revision 0, CBR
  frame[lame + 20] = Math.min(255, table[((first.bytes >>> 8) & 0xff) >> 4] ?? 0);
  const samplesPerFrame = first.mpeg1 ? 1152 : 576;
  // Padding counts every sample after the real ones, decoder delay included, as LAME does.
  const padding = Math.min(0xfff, Math.max(0, frameCount * samplesPerFrame - LAME_ENCODER_DELAY - samples));
  frame[lame + 21] = (LAME_ENCODER_DELAY >> 4) & 0xff;
  frame[lame + 22] = ((LAME_ENCODER_DELAY & 0x0f) << 4) | ((padding >> 8) & 0x0f);
  frame[lame + 23] = padding & 0xff;
  view.setUint32(lame + 28, frames.length + length);
  // The tag CRC covers the frame from its first byte up to the CRC itself (190 bytes for MPEG-1 stereo).
  view.setUint16(lame + 34, crc16(frame.subarray(0, lame + 34)));
  return frame;
}

/** CRC-16/ARC (polynomial 0x8005 reflected), the one LAME uses for its tag CRC. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc & 0xffff;
}

// --- helpers ------------------------------------------------------------------------------------

function writeAscii(target: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
}
