import { describe, expect, it } from 'vitest';
import { crc16 } from '../../../src/audio/crc16.ts';
import { FrameOffsetSampler } from '../../../src/audio/frame-offset-sampler.ts';
import { parseMp3FrameHeader } from '../../../src/audio/mp3-frame-header.ts';
import type { Mp3FrameHeader } from '../../../src/audio/mp3-frame-header.ts';
import { createMp3WalkReport, walkMp3Frames } from '../../../src/audio/mp3-frame-walker.ts';
import { buildXingFrame, parseVbrHeaderFrame, xingTagOffset } from '../../../src/audio/xing-header.ts';
import { synthMp3 } from '../../support/audio-synth.ts';

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield await Promise.resolve(bytes);
}

async function walkAll(bytes: Uint8Array) {
  const report = createMp3WalkReport();
  let frames = 0;
  let frameBytes = 0;
  for await (const frame of walkMp3Frames(once(bytes), report)) {
    frames += 1;
    frameBytes += frame.bytes.length;
  }
  return { report, frames, frameBytes };
}

function headerOf(bytes: Uint8Array): Mp3FrameHeader {
  const header = parseMp3FrameHeader(bytes, 0);
  if (!header) throw new Error(`no frame header in ${Array.from(bytes.subarray(0, 4)).join(',')}`);
  return header;
}

function uniformSampler(frames: number, length: number): FrameOffsetSampler {
  const sampler = new FrameOffsetSampler();
  for (let i = 0; i < frames; i++) sampler.add(length);
  return sampler;
}

describe('Xing/Info/VBRI detection', () => {
  it('finds a LAME Info frame at the start, drops it and reads its counts and gapless values', async () => {
    const bare = synthMp3({ durationMs: 1500, sampleRate: 24000, channels: 1, frequencyHz: 250 });
    const tagged = synthMp3({ durationMs: 1500, sampleRate: 24000, channels: 1, frequencyHz: 250, xing: true });
    const { report, frames, frameBytes } = await walkAll(tagged);
    expect(frameBytes, 'audio frames after dropping the Info frame are the untagged encoding').toBe(bare.length);
    expect(report.vbrHeader?.kind).toBe('Info');
    expect(report.vbrHeader?.frames).toBe(frames);
    expect(report.vbrHeader?.bytes).toBe(frameBytes + report.vbrHeaderBytes);
    expect(report.vbrHeader?.lame?.encoderDelay).toBe(576);
    expect(report.vbrHeader?.lame?.padding).toBe(frames * 576 - 576 - 36000);
  });

  it('finds a VBRI frame (32 bytes after the header) in MPEG-1 stereo', async () => {
    const bare = synthMp3({ durationMs: 500, sampleRate: 44100, channels: 2, bitrate: 128000 });
    const template = headerOf(bare);
    const vbri = new Uint8Array(template.frameLength);
    vbri.set(bare.subarray(0, 4));
    vbri[2] = (vbri[2] ?? 0) & ~0x02; // no padding: length stays frameLength of an unpadded frame
    const vbriLength = headerOf(vbri).frameLength;
    const frame = vbri.subarray(0, vbriLength);
    frame.set([0x56, 0x42, 0x52, 0x49, 0, 1], 36); // "VBRI", version 1
    new DataView(frame.buffer, frame.byteOffset).setUint32(36 + 10, 12345);
    new DataView(frame.buffer, frame.byteOffset).setUint32(36 + 14, 42);
    const withVbri = new Uint8Array(frame.length + bare.length);
    withVbri.set(frame);
    withVbri.set(bare, frame.length);
    const { report, frameBytes } = await walkAll(withVbri);
    expect(report.vbrHeader).toEqual({ kind: 'VBRI', bytes: 12345, frames: 42, lame: null });
    expect(frameBytes).toBe(bare.length);
  });

  it('leaves an ordinary first audio frame alone', () => {
    const bare = synthMp3({ durationMs: 300, sampleRate: 24000, channels: 1 });
    const header = headerOf(bare);
    expect(parseVbrHeaderFrame(bare.subarray(0, header.frameLength), header)).toBeNull();
  });
});

describe('buildXingFrame', () => {
  const template = headerOf(Uint8Array.of(0xff, 0xf3, 0x84, 0xc4)); // MPEG-2 24 kHz 64 kbps mono
  const lame = { encoder: 'LAME3.100', encoderDelay: 576, padding: 1234 };

  it('writes an Info frame at the stream bitrate that reads back with the same counts and gapless values', () => {
    const frames = uniformSampler(5000, 192);
    const frame = buildXingFrame({ template, constantBitrateKbps: 64, frames, musicCrc: 0xbeef, lame });
    const header = headerOf(frame);
    expect(header).toMatchObject({ version: '2', sampleRate: 24000, channels: 1, bitrateKbps: 64, hasCrc: false });
    expect(frame.length).toBe(header.frameLength);
    expect(parseVbrHeaderFrame(frame, header)).toEqual({ kind: 'Info', frames: 5000, bytes: 5000 * 192 + frame.length, lame });
  });

  it('writes a tag CRC over the frame up to the CRC field', () => {
    const frame = buildXingFrame({ template, constantBitrateKbps: 64, frames: uniformSampler(10, 192), musicCrc: 0, lame });
    const crcAt = xingTagOffset(headerOf(frame)) + 120 + 34;
    const stored = new DataView(frame.buffer).getUint16(crcAt);
    expect(stored).toBe(crc16(frame.subarray(0, crcAt)));
  });

  it('writes Xing for variable bitrates and a bigger frame when the stream bitrate cannot hold the tag', () => {
    const vbr = buildXingFrame({ template, constantBitrateKbps: null, frames: uniformSampler(10, 150), musicCrc: 0, lame });
    expect(parseVbrHeaderFrame(vbr, headerOf(vbr))?.kind).toBe('Xing');
    const lowRate = buildXingFrame({ template, constantBitrateKbps: 8, frames: uniformSampler(10, 24), musicCrc: 0, lame });
    const header = headerOf(lowRate);
    expect(header.bitrateKbps, 'an 8 kbps frame is 24 bytes, too small for the tag').toBeGreaterThan(8);
    expect(header.frameLength).toBeGreaterThanOrEqual(xingTagOffset(header) + 156);
  });
});

describe('FrameOffsetSampler', () => {
  it('keeps a bounded number of checkpoints however many frames go by', () => {
    const sampler = uniformSampler(1_000_003, 100);
    expect(sampler.checkpointCount).toBeLessThanOrEqual(1024);
    expect(sampler.frameCount).toBe(1_000_003);
    expect(sampler.byteCount).toBe(100_000_300);
    for (const index of [0, 1, 999, 123_457, 1_000_002]) expect(sampler.offsetAt(index)).toBeCloseTo(index * 100, 6);
  });

  it('interpolates offsets of uneven frames and builds a monotonic TOC starting after the leading bytes', () => {
    const sampler = new FrameOffsetSampler(8);
    const lengths: number[] = [];
    for (let i = 0; i < 1000; i++) lengths.push(i % 3 === 0 ? 400 : 100);
    lengths.forEach((length) => sampler.add(length));
    const exact = (index: number): number => lengths.slice(0, index).reduce((sum, length) => sum + length, 0);
    for (const index of [0, 128, 512, 999]) expect(Math.abs(sampler.offsetAt(index) - exact(index))).toBeLessThanOrEqual(400);
    const toc = sampler.toc(200);
    expect(toc[0]).toBe(Math.floor((200 * 256) / (200 + sampler.byteCount)));
    for (let i = 1; i < 100; i++) expect(toc[i], `TOC entry ${i}`).toBeGreaterThanOrEqual(toc[i - 1] ?? 0);
  });
});
