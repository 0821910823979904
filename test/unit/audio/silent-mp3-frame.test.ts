import { beforeAll, describe, expect, it } from 'vitest';
import { parseMp3FrameHeader } from '../../../src/audio/mp3-frame-header.ts';
import type { ChannelMode, MpegVersion } from '../../../src/audio/mp3-frame-header.ts';
import { silentMp3Frame } from '../../../src/audio/silent-mp3-frame.ts';
import { ffmpegDecodeSamples, requireFfmpeg, withTempFile } from '../../support/ffmpeg.ts';

/** The streams the providers produce (and the edges of each version's bitrate table). */
const STREAMS: readonly { version: MpegVersion; sampleRate: number; bitrates: readonly number[] }[] = [
  { version: '1', sampleRate: 44100, bitrates: [32, 128, 320] },
  { version: '1', sampleRate: 48000, bitrates: [32, 192, 320] },
  { version: '1', sampleRate: 32000, bitrates: [32, 128, 320] },
  { version: '2', sampleRate: 22050, bitrates: [8, 64, 160] },
  { version: '2', sampleRate: 24000, bitrates: [8, 64, 160] },
  { version: '2', sampleRate: 16000, bitrates: [8, 32, 160] },
  { version: '2.5', sampleRate: 8000, bitrates: [8, 16, 64] },
];
const MODES: readonly ChannelMode[] = ['mono', 'joint-stereo', 'stereo'];
const CASES = STREAMS.flatMap((stream) =>
  MODES.flatMap((channelMode) =>
    stream.bitrates.map((bitrateKbps) => ({
      label: `MPEG-${stream.version} ${stream.sampleRate} Hz ${channelMode} ${bitrateKbps} kbps`,
      version: stream.version,
      sampleRate: stream.sampleRate,
      channelMode,
      bitrateKbps,
    })),
  ),
);
const FRAMES = 7;

beforeAll(async () => {
  await requireFfmpeg();
});

describe('silentMp3Frame', () => {
  it.each(CASES)('$label: N frames decode to N × samplesPerFrame zeros', async (stream) => {
    const frame = silentMp3Frame(stream);
    const header = parseMp3FrameHeader(frame);
    expect(header).toMatchObject({
      version: stream.version,
      layer: 3,
      sampleRate: stream.sampleRate,
      channelMode: stream.channelMode,
      bitrateKbps: stream.bitrateKbps,
      hasCrc: false,
      padding: false,
      frameLength: frame.length,
    });
    const samplesPerFrame = stream.version === '1' ? 1152 : 576;
    const channels = stream.channelMode === 'mono' ? 1 : 2;
    const stream7 = new Uint8Array(frame.length * FRAMES);
    for (let i = 0; i < FRAMES; i++) stream7.set(frame, i * frame.length);
    const decoded = await withTempFile(stream7, 'mp3', (path) => ffmpegDecodeSamples(path, ['-f', 'mp3']));
    expect(decoded.errors, 'ffmpeg -xerror while decoding').toBe('');
    expect(decoded.samples.length).toBe(FRAMES * samplesPerFrame * channels);
    expect(decoded.samples.every((sample) => sample === 0)).toBe(true);
  });

  it('refuses a bitrate or sample rate the version does not have', () => {
    expect(() => silentMp3Frame({ version: '1', sampleRate: 44100, channelMode: 'mono', bitrateKbps: 8 })).toThrow(
      /8 kbps is not an MPEG-1 layer III bitrate/,
    );
    expect(() => silentMp3Frame({ version: '2', sampleRate: 44100, channelMode: 'mono', bitrateKbps: 64 })).toThrow(
      /44100 Hz is not an MPEG-2 sample rate/,
    );
  });
});
