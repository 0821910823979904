import { parseBuffer } from 'music-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthAudio, synthMp3, synthWav } from '../../support/audio-synth.ts';
import { ffmpegDecode, ffprobeDurationSeconds, requireFfmpeg, withTempFile } from '../../support/ffmpeg.ts';

beforeAll(async () => {
  await requireFfmpeg();
});

describe('synthetic audio (test support)', () => {
  it('writes WAV that ffmpeg reads with the asked-for duration, rate and sample count', async () => {
    const file = synthWav({ durationMs: 1250, sampleRate: 22050, channels: 2, frequencyHz: 200 });
    expect(file.length).toBe(44 + Math.round(1.25 * 22050) * 4);
    await withTempFile(file, 'wav', async (path) => {
      expect(await ffprobeDurationSeconds(path)).toBeCloseTo(1.25, 3);
      const decoded = await ffmpegDecode(path);
      expect(decoded).toEqual({ errors: '', pcmBytes: file.length - 44 });
    });
  });

  it('writes MP3 with an ID3v2.4 title, a LAME Info frame and ID3v1 that decoders honour', async () => {
    const file = synthMp3({ durationMs: 2000, sampleRate: 24000, channels: 1, frequencyHz: 880, id3: true, xing: true, id3v1: true });
    const metadata = await parseBuffer(file, { mimeType: 'audio/mpeg' });
    expect(metadata.common.title).toBe('Tone 880 Hz');
    expect(metadata.format.tool).toMatch(/^LAME/);
    await withTempFile(file, 'mp3', async (path) => {
      const decoded = await ffmpegDecode(path);
      expect(decoded.errors).toBe('');
      // The Info frame's delay and padding let the decoder trim back to exactly the samples asked for.
      expect(decoded.pcmBytes / 2).toBe(48000);
    });
  });

  it('hands out copies of cached encodings, so a caller cannot spoil the next one', () => {
    const options = { durationMs: 300, sampleRate: 24000, channels: 1 } as const;
    const first = synthAudio('mp3', options);
    first.fill(0);
    expect(synthAudio('mp3', options)[0]).toBe(0xff);
  });

  it('counts the Info frame in the rate lamejs really encoded when it resamples a low bitrate', async () => {
    const file = synthMp3({ durationMs: 1000, sampleRate: 24000, channels: 1, bitrate: 32000, xing: true });
    const metadata = await parseBuffer(file, { mimeType: 'audio/mpeg' });
    expect(metadata.format.sampleRate, 'lamejs picks 22.05 kHz for 32 kbps mono').toBe(22050);
    await withTempFile(file, 'mp3', async (path) => {
      expect((await ffmpegDecode(path)).pcmBytes / 2).toBe(22050);
    });
  });
});
