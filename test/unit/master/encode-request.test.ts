import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { checkChaptersFit, checkRequest, resolveSettings } from '../../../src/master/encode/encode-request.ts';
import type { EncodeRequest } from '../../../src/master/encode/encode-output.ts';
import type { InputAudio } from '../../../src/master/encode/probe.ts';

const base: EncodeRequest = { input: '/books/a.wav', outputPath: '/books/a.mp3', format: 'mp3', chapters: [], tags: {} };
const INPUT: InputAudio = { path: '/books/a.wav', sampleRate: 24_000, channels: 1, codec: 'pcm_s16le', durationMs: 10_000 };

function refusal(request: Partial<EncodeRequest>, split = false): InputError {
  try {
    checkRequest({ ...base, ...request }, { split });
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(request)}`);
}

describe('checking an encode request', () => {
  it('accepts a plain request and a split one without an output path', () => {
    expect(() => checkRequest(base, { split: false })).not.toThrow();
    expect(() => checkRequest({ ...base, outputPath: '' }, { split: true })).not.toThrow();
  });

  it.each([
    [{ format: 'ogg' as never }, 'format', 'must be one of mp3, m4b, flac, opus, wav, pcm'],
    [{ outputPath: '/books/./a.wav' }, 'outputPath', 'must not be the input file'],
    [{ format: 'opus', sampleRate: 44_100 }, 'sampleRate', 'opus takes 8000, 12000, 16000, 24000, 48000 Hz'],
    [{ sampleRate: 44_100.5 }, 'sampleRate', 'must be a whole number of Hz'],
    [{ channels: 6 as never }, 'channels', 'must be 1 (mono) or 2 (stereo)'],
    [{ format: 'flac', bitrateKbps: 128 }, 'bitrateKbps', 'applies to mp3, m4b and opus; flac has none'],
    [{ bitrateKbps: 500 }, 'bitrateKbps', 'mp3 takes 8–320 kbps'],
    [{ format: 'opus', cbr: true }, 'cbr', 'applies to mp3 only'],
    [{ tags: { year: 24 } }, 'tags.year', 'must be a four-digit year (1000–9999)'],
    [{ tags: { title: 'a\u0000b' } }, 'tags.title', 'must not contain a NUL character'],
    [{ tags: { author: ' ' } }, 'tags.author', 'must be a non-empty string'],
  ] as const)('refuses %j: %s', (request, field, message) => {
    const error = refusal(request);
    expect(error.field).toBe(field);
    expect(error.message).toBe(`${field}: ${message}`);
    expect(error.retryable).toBe(false);
  });

  it('refuses chapters out of order, overlapping, empty or untitled', () => {
    expect(refusal({ chapters: [{ title: 'A', startMs: 0, endMs: 0 }] }).field).toBe('chapters[0].endMs');
    expect(refusal({ chapters: [{ title: '', startMs: 0, endMs: 5 }] }).field).toBe('chapters[0].title');
    const overlap = refusal({
      chapters: [
        { title: 'A', startMs: 0, endMs: 1_000 },
        { title: 'B', startMs: 900, endMs: 2_000 },
      ],
    });
    expect(overlap.message).toBe(
      "chapters[1].startMs: must not be before the previous chapter's end (1000): chapters are in order and do not overlap",
    );
  });

  it('refuses more chapters than Vorbis comments can number (flac, opus), pointing at m4b', () => {
    const chapters = Array.from({ length: 1000 }, (_, index) => ({ title: `C${index}`, startMs: index, endMs: index + 1 }));
    expect(refusal({ format: 'flac', chapters }).message).toBe(
      'chapters: flac holds at most 999 chapters (Vorbis chapter comments number CHAPTER001…CHAPTER999); got 1000, use m4b',
    );
    expect(() => checkRequest({ ...base, format: 'm4b', chapters }, { split: false })).not.toThrow();
  });

  it('refuses a chapter that ends past the input', () => {
    expect(() => checkChaptersFit([{ title: 'A', startMs: 0, endMs: 10_001 }], INPUT)).not.toThrow();
    expect(() => checkChaptersFit([{ title: 'A', startMs: 0, endMs: 10_002 }], INPUT)).toThrow(
      'chapters[0].endMs: 10002 is past the end of the input (10000.0 ms)',
    );
  });
});

describe('encode defaults', () => {
  it("keeps the input's rate and channels, with a bitrate per channel", () => {
    expect(resolveSettings(base, INPUT)).toEqual({ format: 'mp3', sampleRate: 24_000, channels: 1, bitrateKbps: 64, cbr: true });
    expect(resolveSettings({ ...base, format: 'm4b', channels: 2 }, INPUT)).toMatchObject({ channels: 2, bitrateKbps: 128 });
    expect(resolveSettings({ ...base, format: 'flac' }, INPUT)).toEqual({ format: 'flac', sampleRate: 24_000, channels: 1, cbr: true });
  });

  it('plays Opus at 48 kHz, and never upsamples into a codec that lacks the input rate', () => {
    expect(resolveSettings({ ...base, format: 'opus' }, INPUT)).toMatchObject({ sampleRate: 48_000, bitrateKbps: 32 });
    expect(resolveSettings(base, { ...INPUT, sampleRate: 96_000 })).toMatchObject({ sampleRate: 48_000 });
    expect(resolveSettings({ ...base, format: 'm4b' }, { ...INPUT, sampleRate: 96_000 })).toMatchObject({ sampleRate: 96_000 });
  });

  it('refuses an mp3 bitrate the rate cannot carry, which LAME would silently change', () => {
    expect(() => resolveSettings({ ...base, sampleRate: 8_000, bitrateKbps: 320 }, INPUT)).toThrow(
      'bitrateKbps: mp3 at 8000 Hz takes 8, 16, 24, 32, 40, 48, 56, 64 kbps',
    );
    expect(() => resolveSettings({ ...base, sampleRate: 22_050, bitrateKbps: 192 }, INPUT)).toThrow(
      'bitrateKbps: mp3 at 22050 Hz takes 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 kbps',
    );
    expect(() => resolveSettings({ ...base, sampleRate: 44_100, bitrateKbps: 33 }, INPUT)).toThrow(
      'bitrateKbps: mp3 at 44100 Hz takes 32, 40,',
    );
    expect(resolveSettings({ ...base, sampleRate: 8_000, channels: 2 }, INPUT).bitrateKbps, 'the stereo default capped').toBe(64);
  });

  it('takes what the request names', () => {
    const acx = resolveSettings({ ...base, sampleRate: 44_100, bitrateKbps: 192, cbr: true }, INPUT);
    expect(acx).toEqual({ format: 'mp3', sampleRate: 44_100, channels: 1, bitrateKbps: 192, cbr: true });
    expect(resolveSettings({ ...base, cbr: false }, INPUT).cbr).toBe(false);
  });
});
