import { describe, expect, it } from 'vitest';
import { describeMp3Format, parseMp3FrameHeader } from '../../../src/audio/mp3-frame-header.ts';
import { synthMp3 } from '../../support/audio-synth.ts';

const header = (...bytes: number[]) => parseMp3FrameHeader(Uint8Array.from(bytes));

describe('parseMp3FrameHeader', () => {
  it('reads an MPEG-1 layer III 128 kbps 44.1 kHz joint-stereo header (FF FB 90 64)', () => {
    expect(header(0xff, 0xfb, 0x90, 0x64)).toEqual({
      version: '1',
      layer: 3,
      bitrateKbps: 128,
      bitrateIndex: 9,
      sampleRate: 44100,
      sampleRateIndex: 0,
      padding: false,
      hasCrc: false,
      channelMode: 'joint-stereo',
      channels: 2,
      frameLength: 417, // floor(144 * 128000 / 44100)
      samplesPerFrame: 1152,
      sideInfoLength: 32,
    });
  });

  it('adds the padding byte and notes a CRC (FF FA 92 64)', () => {
    const parsed = header(0xff, 0xfa, 0x92, 0x64);
    expect(parsed?.padding).toBe(true);
    expect(parsed?.hasCrc).toBe(true);
    expect(parsed?.frameLength).toBe(418);
  });

  it('reads MPEG-2 24 kHz 64 kbps mono: 576 samples, 192-byte frames, 9 bytes of side info', () => {
    const parsed = header(0xff, 0xf3, 0x84, 0xc4);
    expect(parsed).toMatchObject({ version: '2', layer: 3, bitrateKbps: 64, sampleRate: 24000, channelMode: 'mono', channels: 1 });
    expect(parsed?.samplesPerFrame).toBe(576);
    expect(parsed?.frameLength).toBe(192);
    expect(parsed?.sideInfoLength).toBe(9);
  });

  it('reads MPEG-2.5 8 kHz 8 kbps (FF E3 18 C0): 72-byte frames', () => {
    expect(header(0xff, 0xe3, 0x18, 0xc0)).toMatchObject({
      version: '2.5',
      sampleRate: 8000,
      bitrateKbps: 8,
      frameLength: 72,
      samplesPerFrame: 576,
    });
  });

  it('reads layer I and II with their own frame lengths', () => {
    expect(header(0xff, 0xfd, 0x90, 0x04)).toMatchObject({ layer: 2, bitrateKbps: 160, frameLength: 522, samplesPerFrame: 1152 });
    expect(header(0xff, 0xff, 0x90, 0x04)).toMatchObject({ layer: 1, bitrateKbps: 288, frameLength: 312, samplesPerFrame: 384 });
  });

  it.each([
    ['no frame sync', [0xfe, 0xfb, 0x90, 0x64]],
    ['an 11-bit sync cut short', [0xff, 0xdb, 0x90, 0x64]],
    ['the reserved version', [0xff, 0xeb, 0x90, 0x64]],
    ['the reserved layer', [0xff, 0xf9, 0x90, 0x64]],
    ['free-format bitrate', [0xff, 0xfb, 0x00, 0x64]],
    ['the bad bitrate index', [0xff, 0xfb, 0xf0, 0x64]],
    ['the reserved sample rate', [0xff, 0xfb, 0x9c, 0x64]],
    ['the reserved emphasis', [0xff, 0xfb, 0x90, 0x66]],
    ['fewer than 4 bytes', [0xff, 0xfb, 0x90]],
  ])('rejects %s', (_why, bytes) => {
    expect(header(...bytes)).toBeNull();
  });

  it('agrees with the frames lamejs writes', () => {
    const mp3 = synthMp3({ durationMs: 200, sampleRate: 24000, channels: 1, bitrate: 64000 });
    const parsed = parseMp3FrameHeader(mp3, 0);
    expect(parsed, 'first 4 bytes of lamejs output should be a frame header').not.toBeNull();
    expect(describeMp3Format(parsed!)).toBe('MPEG-2 layer III 24000 Hz mono');
    // The next frame starts exactly frameLength bytes later.
    expect(parseMp3FrameHeader(mp3, parsed!.frameLength)).not.toBeNull();
  });
});
