import { parseBuffer } from 'music-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { AudioFormatError } from '../../../src/errors/audio-format-error.ts';
import { parseMp3FrameHeader } from '../../../src/audio/mp3-frame-header.ts';
import { createMp3WalkReport, walkMp3Frames } from '../../../src/audio/mp3-frame-walker.ts';
import { id3v2TagLength } from '../../../src/audio/mp3-tags.ts';
import { stitch } from '../../../src/stitcher/stitch.ts';
import { xingTagOffset } from '../../../src/audio/xing-header.ts';
import type { AudioSettings } from '../../../src/audio/audio-settings.ts';
import { passThroughOrTranscode } from '../../../src/audio/transcode.ts';
import { synthMp3, synthWav } from '../../support/audio-synth.ts';
import type { SynthAudioOptions } from '../../support/audio-synth.ts';
import { ffmpegDecode, ffprobeChapters, ffprobeDurationSeconds, requireFfmpeg, withTempFile } from '../../support/ffmpeg.ts';
import { MemoryStorage } from '../../support/memory-storage.ts';

const MONO_24K: AudioSettings = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 };

function storageWith(segments: readonly Uint8Array[], chunkSize = 4096): { storage: MemoryStorage; keys: string[] } {
  const storage = new MemoryStorage({ chunkSize });
  const keys = segments.map((bytes, index) => {
    const key = `segments/${String(index).padStart(4, '0')}.mp3`;
    storage.set(key, bytes);
    return key;
  });
  return { storage, keys };
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield await Promise.resolve(bytes);
}

/** Frame walk of a finished file, plus the TOC of its Xing/Info frame. */
async function inspect(file: Uint8Array) {
  const report = createMp3WalkReport();
  let frames = 0;
  let frameBytes = 0;
  for await (const frame of walkMp3Frames(once(file), report)) {
    frames += 1;
    frameBytes += frame.bytes.length;
  }
  const tagLength = id3v2TagLength(file, 0) ?? 0;
  const header = parseMp3FrameHeader(file, tagLength);
  if (!header) throw new Error(`no frame header after the ${tagLength}-byte ID3 tag`);
  const tocStart = tagLength + xingTagOffset(header) + 16;
  return { report, frames, frameBytes, tagLength, toc: Array.from(file.subarray(tocStart, tocStart + 100)) };
}

/** Checks a stitched file the way a player would: header duration, full decode, music-metadata. */
async function expectPlayersAgree(file: Uint8Array, durationMs: number, frameMs: number): Promise<{ decodedBytes: number }> {
  return withTempFile(file, 'mp3', async (path) => {
    const probed = await ffprobeDurationSeconds(path);
    expect(Math.abs(probed * 1000 - durationMs), `ffprobe says ${probed} s, stitcher ${durationMs} ms`).toBeLessThanOrEqual(frameMs);
    const decoded = await ffmpegDecode(path);
    expect(decoded.errors, 'ffmpeg -v error while decoding the whole file').toBe('');
    const metadata = await parseBuffer(file, { mimeType: 'audio/mpeg' }, { duration: true });
    const mmMs = (metadata.format.duration ?? Number.NaN) * 1000;
    expect(Math.abs(mmMs - durationMs), `music-metadata says ${mmMs} ms, stitcher ${durationMs} ms`).toBeLessThanOrEqual(frameMs);
    return { decodedBytes: decoded.pcmBytes };
  });
}

function tone(options: Partial<SynthAudioOptions> & { durationMs: number }): Uint8Array {
  return synthMp3({ sampleRate: 24000, channels: 1, bitrate: 64000, ...options });
}

beforeAll(async () => {
  await requireFfmpeg();
});

describe('stitch (mp3)', () => {
  it('joins differently wrapped segments into one stream with one Info frame that players agree on', async () => {
    const segments = [
      tone({ durationMs: 2000, frequencyHz: 300, id3: true, xing: true }),
      tone({ durationMs: 1500, frequencyHz: 500, id3v1: true }),
      tone({ durationMs: 2500, frequencyHz: 700, id3: true, xing: true, id3v1: true }),
    ];
    const { storage, keys } = storageWith(segments, 1000);
    const result = await stitch({ storage, segmentKeys: keys, audio: MONO_24K, outputKey: 'out/book.mp3' });
    const file = storage.objects.get('out/book.mp3');
    if (!file) throw new Error('stitch returned but wrote no output');
    expect(storage.contentTypes.get('out/book.mp3')).toBe('audio/mpeg');
    expect(result.bytes).toBe(file.length);

    // Durations are counted frames: each segment's frames from a walk of that segment alone.
    const perSegment = await Promise.all(segments.map((bytes) => inspect(bytes)));
    let startMs = 0;
    result.segments.forEach((segment, position) => {
      const counted = perSegment[position];
      expect(segment).toEqual({
        position,
        startMs,
        durationMs: ((counted?.frames ?? 0) * 576 * 1000) / 24000,
        pauseAfterMs: 0,
        bytes: counted?.frameBytes,
      });
      startMs += segment.durationMs;
    });
    expect(result.durationMs).toBe(startMs);
    expect(result).toMatchObject({ sampleRate: 24000, channels: 1 });

    // One Info frame whose counts are what a frame walk of the output finds.
    const walked = await inspect(file);
    expect(walked.report.vbrHeader?.kind).toBe('Info');
    expect(walked.report.vbrHeader?.frames).toBe(walked.frames);
    expect(walked.report.vbrHeader?.bytes).toBe(walked.frameBytes + walked.report.vbrHeaderBytes);
    expect(walked.report.junkBytes, 'no stray tag or header bytes between frames').toBe(0);
    expect(walked.report.tagBytes).toBe(0);
    expect(walked.frames * 24).toBe(result.durationMs);
    for (let i = 1; i < 100; i++) expect(walked.toc[i], `TOC entry ${i}`).toBeGreaterThanOrEqual(walked.toc[i - 1] ?? 0);
    // Gapless: the first segment's delay and the last one's padding came through.
    const lastPadding = perSegment[2]?.report.vbrHeader?.lame?.padding ?? Number.NaN;
    expect(walked.report.vbrHeader?.lame).toEqual({ encoder: 'LAME3.100', encoderDelay: 576, padding: lastPadding });

    const { decodedBytes } = await expectPlayersAgree(file, result.durationMs, 24);
    expect(decodedBytes / 2, 'decoded samples: all frames minus the delay and padding from the LAME tag').toBe(
      walked.frames * 576 - 576 - lastPadding,
    );
  });

  it('joins mp3 segments the client converted (each led by an ffmpeg Info frame) frame for frame, with one Info frame', async () => {
    // What the 302.AI client stores: its wav downloads converted by transcode.ts.
    const segments = await Promise.all(
      [1300, 900, 1700].map(async (durationMs, index) => {
        const wav = synthWav({ durationMs, sampleRate: 24000, channels: 1, frequencyHz: 300 + 200 * index });
        const parts: Uint8Array[] = [];
        for await (const chunk of passThroughOrTranscode(once(wav), MONO_24K, { inputFormat: 'wav' })) parts.push(chunk);
        return new Uint8Array(Buffer.concat(parts));
      }),
    );
    const perSegment = await Promise.all(segments.map((bytes) => inspect(bytes)));
    for (const segment of perSegment) expect(segment.report.vbrHeader?.kind, 'each converted segment has its Info frame').toBe('Info');
    const { storage, keys } = storageWith(segments, 1000);
    const result = await stitch({ storage, segmentKeys: keys, audio: MONO_24K, outputKey: 'converted.mp3' });
    const file = storage.objects.get('converted.mp3') ?? new Uint8Array(0);

    // The segments' Info frames are left out: inside the stream each would play as a silent frame.
    const walked = await inspect(file);
    const audioFrames = perSegment.reduce((sum, segment) => sum + segment.frames, 0);
    expect(walked.frames).toBe(audioFrames);
    expect(walked.frameBytes).toBe(perSegment.reduce((sum, segment) => sum + segment.frameBytes, 0));
    expect(walked.report.junkBytes).toBe(0);
    expect(result.segments.map((segment) => segment.durationMs)).toEqual(perSegment.map((segment) => segment.frames * 24));
    expect(walked.report.vbrHeader).toMatchObject({ kind: 'Info', frames: audioFrames });
    // Gapless at the book's ends: the first segment's delay and the last one's padding, as ffmpeg recorded them.
    const first = perSegment[0]?.report.vbrHeader?.lame;
    const lastPadding = perSegment[2]?.report.vbrHeader?.lame?.padding ?? Number.NaN;
    expect(walked.report.vbrHeader?.lame).toEqual({ encoder: first?.encoder, encoderDelay: first?.encoderDelay, padding: lastPadding });
    const { decodedBytes } = await expectPlayersAgree(file, result.durationMs, 24);
    expect(decodedBytes / 2).toBe(audioFrames * 576 - (first?.encoderDelay ?? Number.NaN) - lastPadding);
  });

  it('joins MPEG-1 stereo read in odd-sized chunks', async () => {
    const options = { sampleRate: 44100, channels: 2, bitrate: 128000 } as const;
    const segments = [
      synthMp3({ ...options, durationMs: 1200, frequencyHz: 440, xing: true }),
      synthMp3({ ...options, durationMs: 800, frequencyHz: 660, id3: true }),
    ];
    const { storage, keys } = storageWith(segments, 997);
    const result = await stitch({
      storage,
      segmentKeys: keys,
      audio: { format: 'mp3', sampleRate: 44100, channels: 2 },
      outputKey: 'stereo.mp3',
    });
    const file = storage.objects.get('stereo.mp3') ?? new Uint8Array(0);
    const walked = await inspect(file);
    expect(walked.report.vbrHeader?.frames).toBe(walked.frames);
    expect(result.durationMs).toBeCloseTo((walked.frames * 1152 * 1000) / 44100, 9);
    await expectPlayersAgree(file, result.durationMs, (1152 * 1000) / 44100);
  });

  it('writes a Xing frame with a monotonic TOC when segments differ in bitrate', async () => {
    const segments = [
      tone({ durationMs: 1500, bitrate: 48000 }),
      tone({ durationMs: 1500, bitrate: 128000, frequencyHz: 800 }),
      tone({ durationMs: 1000, bitrate: 64000 }),
    ];
    const { storage, keys } = storageWith(segments);
    const result = await stitch({ storage, segmentKeys: keys, audio: MONO_24K, outputKey: 'vbr.mp3' });
    const file = storage.objects.get('vbr.mp3') ?? new Uint8Array(0);
    const walked = await inspect(file);
    expect(walked.report.vbrHeader?.kind).toBe('Xing');
    expect(walked.report.vbrHeader?.bytes).toBe(walked.frameBytes + walked.report.vbrHeaderBytes);
    // The 128 kbps middle makes the TOC climb faster through the middle third than through the first.
    expect((walked.toc[66] ?? 0) - (walked.toc[40] ?? 0)).toBeGreaterThan((walked.toc[26] ?? 0) - (walked.toc[0] ?? 0));
    for (let i = 1; i < 100; i++) expect(walked.toc[i] ?? 0).toBeGreaterThanOrEqual(walked.toc[i - 1] ?? 0);
    await expectPlayersAgree(file, result.durationMs, 24);
  });

  it('writes title and chapters at counted segment starts that ffprobe and music-metadata read back', async () => {
    const segments = [
      tone({ durationMs: 1000 }),
      tone({ durationMs: 1200, frequencyHz: 520 }),
      tone({ durationMs: 700, frequencyHz: 610 }),
      tone({ durationMs: 900 }),
    ];
    const { storage, keys } = storageWith(segments);
    const result = await stitch({
      storage,
      segmentKeys: keys,
      audio: MONO_24K,
      outputKey: 'chapters.mp3',
      title: 'Ein Buch – 本',
      chapters: [
        { title: 'Opening', firstSegment: 0 },
        { title: 'Zweites Kapitel', firstSegment: 1 },
        { title: '第三章', firstSegment: 3 },
      ],
    });
    const file = storage.objects.get('chapters.mp3') ?? new Uint8Array(0);
    const starts = result.segments.map((segment) => segment.startMs);
    await withTempFile(file, 'mp3', async (path) => {
      const chapters = await ffprobeChapters(path);
      expect(chapters.map((chapter) => chapter.title)).toEqual(['Opening', 'Zweites Kapitel', '第三章']);
      const expected = [
        [starts[0], starts[1]],
        [starts[1], starts[3]],
        [starts[3], result.durationMs],
      ];
      chapters.forEach((chapter, index) => {
        expect(Math.abs(chapter.startSeconds * 1000 - (expected[index]?.[0] ?? Number.NaN)), `chapter ${index} start`).toBeLessThanOrEqual(
          1,
        );
        expect(Math.abs(chapter.endSeconds * 1000 - (expected[index]?.[1] ?? Number.NaN)), `chapter ${index} end`).toBeLessThanOrEqual(1);
      });
    });
    const metadata = await parseBuffer(file, { mimeType: 'audio/mpeg' });
    expect(metadata.common.title).toBe('Ein Buch – 本');
    await expectPlayersAgree(file, result.durationMs, 24);
  });

  it.each([
    [
      'sample rate',
      { sampleRate: 22050 },
      /segment 1 \(segments\/0001\.mp3\) is MPEG-2 layer III 22050 Hz mono.*segment 0 is MPEG-2 layer III 24000 Hz mono/,
    ],
    [
      'channels',
      { channels: 2 as const },
      /segment 1 \(segments\/0001\.mp3\) is MPEG-2 layer III 24000 Hz stereo.*segment 0 is MPEG-2 layer III 24000 Hz mono/,
    ],
    ['MPEG version', { sampleRate: 48000 }, /segment 1 .* is MPEG-1 layer III 48000 Hz mono.*segment 0 is MPEG-2/],
  ])('refuses a segment with another %s and writes nothing', async (_what, change, message) => {
    const { storage, keys } = storageWith([tone({ durationMs: 500 }), tone({ durationMs: 500, ...change }), tone({ durationMs: 500 })]);
    const failure = stitch({ storage, segmentKeys: keys, audio: MONO_24K, outputKey: 'out.mp3' });
    await expect(failure).rejects.toBeInstanceOf(AudioFormatError);
    await expect(failure).rejects.toThrow(message);
    expect(storage.objects.has('out.mp3')).toBe(false);
  });

  it('refuses segments that are not what the render asked for', async () => {
    const { storage, keys } = storageWith([tone({ durationMs: 500, sampleRate: 16000 })]);
    await expect(stitch({ storage, segmentKeys: keys, audio: MONO_24K, outputKey: 'out.mp3' })).rejects.toThrow(
      /segment 0 .* is MPEG-2 layer III 16000 Hz mono, but the render asks for MPEG layer III 24000 Hz mono/,
    );
  });

  it('refuses a segment without any audio frame', async () => {
    const tagOnly = tone({ durationMs: 300, id3: true }).subarray(0, 40); // the ID3 tag and a few junk bytes
    const { storage, keys } = storageWith([tone({ durationMs: 500 }), tagOnly]);
    const failure = stitch({ storage, segmentKeys: keys, audio: MONO_24K, outputKey: 'out.mp3' });
    await expect(failure).rejects.toBeInstanceOf(AudioFormatError);
    await expect(failure).rejects.toThrow(/segment 1 \(segments\/0001\.mp3\) holds no MPEG audio frames/);
    expect(storage.objects.has('out.mp3')).toBe(false);
  });

  it('lets the event loop turn while it works through megabytes held in memory', async () => {
    const segment = tone({ durationMs: 60_000, bitrate: 64000 }); // 480 kB
    const { storage, keys } = storageWith(
      Array.from({ length: 24 }, () => segment),
      1 << 20,
    );
    let turns = 0;
    let running = true;
    const tick = (): void => {
      turns += 1;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const turnsBefore = turns;
    const result = await stitch({ storage, segmentKeys: keys, audio: MONO_24K, outputKey: 'long.mp3' });
    running = false;
    // One pass over 11.5 MB: at least one pause every 4 MB.
    expect(turns - turnsBefore, 'setImmediate callbacks that ran during the stitch').toBeGreaterThanOrEqual(2);
    expect(result.durationMs).toBe(24 * (segment.length / 192) * 24);
  });
});
