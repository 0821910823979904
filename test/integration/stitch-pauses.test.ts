import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseBuffer } from 'music-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../src/audio/audio-settings.ts';
import { parseMp3FrameHeader } from '../../src/audio/mp3-frame-header.ts';
import { createMp3WalkReport, walkMp3Frames } from '../../src/audio/mp3-frame-walker.ts';
import { xingTagOffset } from '../../src/audio/xing-header.ts';
import { InputError } from '../../src/errors/input-error.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { stitch } from '../../src/stitcher/stitch.ts';
import type { StitchInput, StitchResult } from '../../src/stitcher/stitch-types.ts';
import { stitchWav } from '../../src/stitcher/wav-stitch.ts';
import { synthMp3, synthPcm, synthWav } from '../support/audio-synth.ts';
import type { SynthAudioOptions } from '../support/audio-synth.ts';
import { concatBytes } from '../support/concat-bytes.ts';
import {
  ffmpegDecodeSamples,
  ffmpegSilences,
  ffprobeChapters,
  ffprobeDurationSeconds,
  requireFfmpeg,
  withTempFile,
} from '../support/ffmpeg.ts';
import type { DetectedSilence } from '../support/ffmpeg.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';

const execFileAsync = promisify(execFile);
let root = '';
let storage: LocalStorage;
let run = 0;

beforeAll(async () => {
  await requireFfmpeg();
  root = await mkdtemp(join(tmpdir(), 'tts-batch-pauses-'));
  storage = new LocalStorage(root);
});

afterAll(async () => {
  if (root !== '') await rm(root, { recursive: true, force: true });
});

/** Puts the segments on disk under a fresh prefix; returns their keys. */
async function segmentsOnDisk(segments: readonly Uint8Array[], extension: string): Promise<string[]> {
  run += 1;
  return Promise.all(
    segments.map(async (bytes, index) => {
      const key = `run${run}/segments/${index}.${extension}`;
      await storage.put(
        key,
        (async function* () {
          yield await Promise.resolve(bytes);
        })(),
      );
      return key;
    }),
  );
}

const pathOf = (key: string): string => join(root, ...key.split('/'));

/** The audio frames of an mp3 (tags and Info/Xing frame dropped), and what the walk dropped. */
async function framesOf(bytes: Uint8Array) {
  const report = createMp3WalkReport();
  const frames: Uint8Array[] = [];
  for await (const frame of walkMp3Frames(
    (async function* () {
      yield await Promise.resolve(bytes);
    })(),
    report,
  )) {
    frames.push(frame.bytes.slice());
  }
  return { frames, report };
}

/** Decodes bare frames (no tag, no Info frame, so ffmpeg trims nothing): every sample they hold. */
async function decodeFrames(frames: readonly Uint8Array[]): Promise<Int16Array> {
  const decoded = await withTempFile(concatBytes(frames), 'mp3', (path) => ffmpegDecodeSamples(path, ['-f', 'mp3']));
  expect(decoded.errors, 'ffmpeg -xerror decoding bare frames').toBe('');
  return decoded.samples;
}

function sameSamples(actual: Int16Array, expected: Int16Array): boolean {
  return actual.length === expected.length && actual.every((sample, index) => sample === expected[index]);
}

const ms = (seconds: number): number => seconds * 1000;

function expectNear(actual: number, expected: number, tolerance: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected} (±${tolerance})`).toBeLessThanOrEqual(tolerance);
}

/** Starts follow from durations and pauses, and the total is the last start + duration + pause. */
function expectTimesAddUp(result: StitchResult): void {
  let start = 0;
  for (const segment of result.segments) {
    expect(segment.startMs).toBeCloseTo(start, 6);
    start += segment.durationMs + segment.pauseAfterMs;
  }
  expect(result.durationMs).toBeCloseTo(start, 6);
}

describe('stitch with pauses (mp3)', () => {
  const mono24k = (options: Partial<SynthAudioOptions> & { durationMs: number }): Uint8Array =>
    synthMp3({ sampleRate: 24000, channels: 1, bitrate: 64000, ...options });

  it('inserts whole silent frames of the stream that decode to silence where asked, and leaves the audio around them intact', async () => {
    const segments = [
      mono24k({ durationMs: 1500, frequencyHz: 300, id3: true, xing: true }),
      mono24k({ durationMs: 1200, frequencyHz: 500 }),
      mono24k({ durationMs: 1000, frequencyHz: 700, xing: true, id3v1: true }),
    ];
    const keys = await segmentsOnDisk(segments, 'mp3');
    const audio: AudioSettings = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 };
    const base: StitchInput = { storage, segmentKeys: keys, audio, outputKey: `run${run}/plain.mp3` };
    const plain = await stitch(base);
    // 800 ms is 33.3 frames of 24 ms: 34 frames, 816 ms; 250 ms is 11 frames, 264 ms.
    const paused = await stitch({
      ...base,
      outputKey: `run${run}/paused.mp3`,
      pausesAfterMs: [800, 250],
      title: 'Pauses',
      chapters: [
        { title: 'One', firstSegment: 0 },
        { title: 'Two', firstSegment: 1 },
        { title: 'Three', firstSegment: 2 },
      ],
    });
    expect(paused.segments.map((segment) => segment.pauseAfterMs)).toEqual([816, 264, 0]);
    expect(plain.segments.map((segment) => segment.pauseAfterMs)).toEqual([0, 0, 0]);
    expect(paused.segments.map((segment) => segment.durationMs)).toEqual(plain.segments.map((segment) => segment.durationMs));
    expect(paused.segments.map((segment) => segment.bytes)).toEqual(plain.segments.map((segment) => segment.bytes));
    expectTimesAddUp(paused);
    expect(paused.durationMs).toBe(plain.durationMs + 816 + 264);

    const path = pathOf(`run${run}/paused.mp3`);
    const file = new Uint8Array(await readFile(path));
    const { frames, report } = await framesOf(file);

    // The output is each segment's frames, in order, with 34 and 11 frames between them.
    const perSegment = await Promise.all(segments.map((bytes) => framesOf(bytes)));
    const [a, b, c] = perSegment.map((walk) => walk.frames) as [Uint8Array[], Uint8Array[], Uint8Array[]];
    expect(frames.length).toBe(a.length + 34 + b.length + 11 + c.length);
    const pauses = [frames.slice(a.length, a.length + 34), frames.slice(a.length + 34 + b.length, -c.length)];
    const audioFrames = [
      ...frames.slice(0, a.length),
      ...frames.slice(a.length + 34, a.length + 34 + b.length),
      ...frames.slice(-c.length),
    ];
    const expectedDigest = await mp3FrameDigest(keys.map(pathOf));
    const hash = createHash('sha256');
    for (const frame of audioFrames) hash.update(frame);
    expect(hash.digest('hex'), 'the segments’ own frames, untouched and in order').toBe(expectedDigest.sha256);
    const streamHeader = parseMp3FrameHeader(a[0] ?? new Uint8Array(0));
    for (const frame of pauses.flat()) {
      // Same stream, the segments' own (constant) bitrate; side info and main data all zero.
      expect(parseMp3FrameHeader(frame)).toMatchObject({
        version: streamHeader?.version,
        sampleRate: 24000,
        channelMode: 'mono',
        bitrateKbps: 64,
      });
      expect(frame.subarray(4).every((byte) => byte === 0)).toBe(true);
    }

    // One Info frame (still constant bitrate) counting the silent frames too.
    expect(report.vbrHeader?.kind).toBe('Info');
    expect(report.vbrHeader?.frames).toBe(frames.length);
    expect(report.vbrHeader?.bytes).toBe(frames.reduce((sum, frame) => sum + frame.length, 0) + report.vbrHeaderBytes);

    // Decodes cleanly; ffprobe and music-metadata see the longer duration.
    const decoded = await ffmpegDecodeSamples(path);
    expect(decoded.errors, 'ffmpeg -v error -xerror').toBe('');
    expectNear(ms(await ffprobeDurationSeconds(path)), paused.durationMs, 24, 'ffprobe duration');
    const metadata = await parseBuffer(file, { mimeType: 'audio/mpeg' }, { duration: true });
    expectNear(ms(metadata.format.duration ?? Number.NaN), paused.durationMs, 24, 'music-metadata duration');

    // Sample for sample: the segments decoded alone, with digital silence between them (the
    // first granule of a pause carries the previous frame's overlap tail, as any next frame would).
    const [pcmA, pcmB, pcmC] = await Promise.all([decodeFrames(a), decodeFrames(b), decodeFrames(c)]);
    const whole = await decodeFrames(frames);
    const pauseA = 34 * 576;
    const pauseB = 11 * 576;
    let at = 0;
    const take = (count: number): Int16Array => whole.subarray(at, (at += count));
    expect(sameSamples(take(pcmA.length), pcmA), 'segment 0 decodes as alone').toBe(true);
    expect(
      take(pauseA)
        .subarray(576)
        .every((sample) => sample === 0),
      'pause after segment 0 is digital silence',
    ).toBe(true);
    expect(sameSamples(take(pcmB.length), pcmB), 'segment 1 after the pause decodes as alone').toBe(true);
    expect(
      take(pauseB)
        .subarray(576)
        .every((sample) => sample === 0),
      'pause after segment 1 is digital silence',
    ).toBe(true);
    expect(sameSamples(take(pcmC.length), pcmC), 'segment 2 after the pause decodes as alone').toBe(true);
    expect(at).toBe(whole.length);

    // silencedetect: each pause sits where the plain join has its seam, 816 / 264 ms longer.
    const plainPath = pathOf(`run${run}/plain.mp3`);
    const seams = await ffmpegSilences(plainPath, { minSeconds: 0.01 });
    const found = await ffmpegSilences(path, { minSeconds: 0.01 });
    expect(seams).toHaveLength(2);
    expect(found).toHaveLength(2);
    const frameMs = 24;
    const [seam0, seam1] = seams as [DetectedSilence, DetectedSilence];
    const [pause0, pause1] = found as [DetectedSilence, DetectedSilence];
    expectNear(ms(pause0.startSeconds), ms(seam0.startSeconds), frameMs, 'first pause start');
    expectNear(ms(pause0.endSeconds - pause0.startSeconds), ms(seam0.endSeconds - seam0.startSeconds) + 816, frameMs, 'first pause length');
    expectNear(ms(pause1.startSeconds), ms(seam1.startSeconds) + 816, frameMs, 'second pause start');
    expectNear(
      ms(pause1.endSeconds - pause1.startSeconds),
      ms(seam1.endSeconds - seam1.startSeconds) + 264,
      frameMs,
      'second pause length',
    );
    // …and the next segment is heard from where the result says it starts: its own lead-in
    // (encoder delay + the decoder's 529 samples) is what a gapless player trims off the file's start.
    expectNear(ms(pause0.endSeconds), paused.segments[1]?.startMs ?? Number.NaN, frameMs, 'segment 1 heard from its startMs');
    expectNear(ms(pause1.endSeconds), paused.segments[2]?.startMs ?? Number.NaN, frameMs, 'segment 2 heard from its startMs');

    // Chapter marks start at the counted segment starts, pauses included.
    const chapters = await ffprobeChapters(path);
    expect(chapters.map((chapter) => chapter.title)).toEqual(['One', 'Two', 'Three']);
    chapters.forEach((chapter, index) => {
      expectNear(ms(chapter.startSeconds), paused.segments[index]?.startMs ?? Number.NaN, 1, `chapter ${index} start`);
    });
    expectNear(ms(chapters[0]?.endSeconds ?? Number.NaN), paused.segments[1]?.startMs ?? Number.NaN, 1, 'chapter 0 end, after its pause');
  });

  it('pauses a variable-bitrate MPEG-1 stereo book, at its end too, with a Xing frame and TOC that count the silence', async () => {
    const stereo = { sampleRate: 44100, channels: 2 } as const;
    const segments = [
      synthMp3({ ...stereo, bitrate: 128000, durationMs: 1000, frequencyHz: 440, xing: true }),
      synthMp3({ ...stereo, bitrate: 192000, durationMs: 800, frequencyHz: 660, id3: true }),
    ];
    const keys = await segmentsOnDisk(segments, 'mp3');
    const outputKey = `run${run}/stereo.mp3`;
    const result = await stitch({
      storage,
      segmentKeys: keys,
      audio: { format: 'mp3', ...stereo },
      outputKey,
      pausesAfterMs: [300, 1000],
    });
    const frameMs = (1152 * 1000) / 44100;
    // 300 ms is 11.5 frames of 26.1 ms: 12; 1000 ms is 38.3: 39.
    expect(result.segments.map((segment) => segment.pauseAfterMs)).toEqual([12 * frameMs, 39 * frameMs]);
    expectTimesAddUp(result);

    const path = pathOf(outputKey);
    const file = new Uint8Array(await readFile(path));
    const { frames, report } = await framesOf(file);
    const [a, b] = (await Promise.all(segments.map((bytes) => framesOf(bytes)))).map((walk) => walk.frames) as [Uint8Array[], Uint8Array[]];
    expect(frames.length).toBe(a.length + 12 + b.length + 39);
    expect(result.durationMs).toBeCloseTo(frames.length * frameMs, 6);
    // Silence at the first segment's bitrate; the book is variable-bitrate, so a Xing frame.
    for (const frame of [...frames.slice(a.length, a.length + 12), ...frames.slice(-39)]) {
      expect(parseMp3FrameHeader(frame)).toMatchObject({ version: '1', sampleRate: 44100, channels: 2, bitrateKbps: 128 });
    }
    expect(report.vbrHeader?.kind).toBe('Xing');
    expect(report.vbrHeader?.frames).toBe(frames.length);
    expect(report.vbrHeader?.bytes).toBe(frames.reduce((sum, frame) => sum + frame.length, 0) + report.vbrHeaderBytes);
    const tocAt = xingTagOffset(parseMp3FrameHeader(file) ?? expect.fail('no frame at the start')) + 16;
    const toc = Array.from(file.subarray(tocAt, tocAt + 100));
    for (let i = 1; i < 100; i++) expect(toc[i], `TOC entry ${i}`).toBeGreaterThanOrEqual(toc[i - 1] ?? 0);
    // Entry i is the byte where i % of the playing time starts (silence counted), in 256ths of the file.
    const offsets: number[] = [];
    let offset = report.vbrHeaderBytes;
    for (const frame of frames) {
      offsets.push(offset);
      offset += frame.length;
    }
    for (const i of [10, 40, 60, 90]) {
      const at = (i * frames.length) / 100;
      const whole = Math.floor(at);
      const target = (offsets[whole] ?? Number.NaN) + (at - whole) * (frames[whole]?.length ?? Number.NaN);
      expectNear(toc[i] ?? Number.NaN, (target * 256) / file.length, 1, `TOC entry ${i}`);
    }

    const decoded = await ffmpegDecodeSamples(path);
    expect(decoded.errors, 'ffmpeg -v error -xerror').toBe('');
    expectNear(ms(await ffprobeDurationSeconds(path)), result.durationMs, frameMs, 'ffprobe duration');

    const [pcmA, pcmB] = await Promise.all([decodeFrames(a), decodeFrames(b)]);
    const whole = await decodeFrames(frames);
    const perFrame = 1152 * 2;
    let at = 0;
    const take = (count: number): Int16Array => whole.subarray(at, (at += count));
    expect(sameSamples(take(pcmA.length), pcmA), 'segment 0 decodes as alone').toBe(true);
    expect(
      take(12 * perFrame)
        .subarray(perFrame / 2)
        .every((sample) => sample === 0),
      'pause after segment 0',
    ).toBe(true);
    expect(sameSamples(take(pcmB.length), pcmB), 'segment 1 after the pause decodes as alone').toBe(true);
    expect(
      take(39 * perFrame)
        .subarray(perFrame / 2)
        .every((sample) => sample === 0),
      'pause at the end',
    ).toBe(true);
    expect(at).toBe(whole.length);

    // Two silences: between the segments, and from the end of segment 1 to the end of the file.
    const found = await ffmpegSilences(path, { minSeconds: 0.2 });
    expect(found).toHaveLength(2);
    const [between, tail] = found as [DetectedSilence, DetectedSilence];
    expectNear(ms(between.endSeconds), result.segments[1]?.startMs ?? Number.NaN, frameMs, 'segment 1 heard from its startMs');
    expectNear(ms(between.endSeconds - between.startSeconds), 12 * frameMs, 3 * frameMs, 'pause between, with the seam');
    const tailEnd = Number.isFinite(tail.endSeconds) ? ms(tail.endSeconds) : ms(decoded.samples.length / 2 / 44100);
    expectNear(tailEnd - ms(tail.startSeconds), 39 * frameMs, 3 * frameMs, 'pause at the end, with the last segment’s padding');
  });
});

/** LocalStorage that remembers the largest chunk a put was handed: a pause must stream, not sit in memory. */
class ChunkWatchingStorage extends LocalStorage {
  largestChunk = 0;

  override put(key: string, body: AsyncIterable<Uint8Array>, options?: { contentType?: string }): ReturnType<LocalStorage['put']> {
    const watch = async function* (this: ChunkWatchingStorage): AsyncGenerator<Uint8Array> {
      for await (const chunk of body) {
        this.largestChunk = Math.max(this.largestChunk, chunk.length);
        yield chunk;
      }
    }.bind(this);
    return super.put(key, watch(), options);
  }
}

/** The sample payload of a 44-byte-header synthWav file. */
const payloadOf = (wav: Uint8Array): Uint8Array => wav.subarray(44);

describe('stitch with pauses (wav, pcm)', () => {
  it('wav: writes zero samples after the segments asked for, counted in the header, the times and what ffmpeg measures', async () => {
    const mono = { sampleRate: 24000, channels: 1 } as const;
    const segments = [
      synthWav({ ...mono, durationMs: 700, frequencyHz: 300 }),
      synthWav({ ...mono, durationMs: 400, frequencyHz: 500 }),
      synthWav({ ...mono, durationMs: 600, frequencyHz: 700 }),
    ];
    const keys = await segmentsOnDisk(segments, 'wav');
    const outputKey = `run${run}/book.wav`;
    // 333.3 ms is 7,999.2 samples at 24 kHz: 8,000 samples, 333.33 ms.
    const result = await stitch({
      storage,
      segmentKeys: keys,
      audio: { format: 'wav', ...mono },
      outputKey,
      pausesAfterMs: [500, 0, 333.3],
    });
    expect(result.segments.map((segment) => [segment.startMs, segment.durationMs, segment.pauseAfterMs])).toEqual([
      [0, 700, 500],
      [1200, 400, 0],
      [1600, 600, 8000 / 24],
    ]);
    expectTimesAddUp(result);
    const file = new Uint8Array(await readFile(pathOf(outputKey)));
    const [a, b, c] = segments.map(payloadOf) as [Uint8Array, Uint8Array, Uint8Array];
    const expected = concatBytes([a, new Uint8Array(12000 * 2), b, c, new Uint8Array(8000 * 2)]);
    expect(Buffer.from(file.subarray(44)).equals(Buffer.from(expected)), 'payloads with zero samples between').toBe(true);
    const view = new DataView(file.buffer, file.byteOffset, file.length);
    expect(view.getUint32(4, true), 'RIFF size').toBe(file.length - 8);
    expect(view.getUint32(40, true), 'data size').toBe(expected.length);
    expect(result.bytes).toBe(file.length);

    const path = pathOf(outputKey);
    expectNear(ms(await ffprobeDurationSeconds(path)), result.durationMs, 0.1, 'ffprobe duration');
    const decoded = await ffmpegDecodeSamples(path);
    expect(decoded.errors).toBe('');
    expect(decoded.samples.length).toBe(expected.length / 2);
    const found = await ffmpegSilences(path);
    expect(found).toHaveLength(2);
    const [between, tail] = found as [DetectedSilence, DetectedSilence];
    // The tones fade over 10 ms, so they fall under -60 dB a sample or two early.
    expectNear(ms(between.startSeconds), 700, 2, 'pause start');
    expectNear(ms(between.endSeconds), result.segments[1]?.startMs ?? Number.NaN, 2, 'pause end: segment 1 starts');
    expectNear(ms(tail.startSeconds), 2200, 2, 'trailing pause start');
    expectNear(ms(tail.endSeconds), result.durationMs, 2, 'trailing pause end');
  });

  it('wav: streams a long pause in bounded chunks, and RF64 sizes include it', async () => {
    const stereo = { sampleRate: 48000, channels: 2 } as const;
    const segments = [synthWav({ ...stereo, durationMs: 100 }), synthWav({ ...stereo, durationMs: 100, frequencyHz: 660 })];
    const watching = new ChunkWatchingStorage(root);
    const keys = await segmentsOnDisk(segments, 'wav');
    const outputKey = `run${run}/long-pause.wav`;
    const input: StitchInput = {
      storage: watching,
      segmentKeys: keys,
      audio: { format: 'wav', ...stereo },
      outputKey,
      pausesAfterMs: [10_000],
    };
    const result = await stitchWav(input, { rf64AboveRiffSize: 1000 });
    const pauseBytes = 10 * 48000 * 4;
    expect(result.segments[0]?.pauseAfterMs).toBe(10_000);
    expect(result.durationMs).toBe(10_200);
    expect(watching.largestChunk, 'largest chunk handed to storage for a 1.92 MB pause').toBeLessThanOrEqual(64 * 1024);
    const file = new Uint8Array(await readFile(pathOf(outputKey)));
    const view = new DataView(file.buffer, file.byteOffset, file.length);
    expect(String.fromCharCode(...file.subarray(0, 4))).toBe('RF64');
    const dataBytes = 2 * 100 * 48 * 4 + pauseBytes;
    expect(view.getBigUint64(20, true), 'ds64 RIFF size').toBe(BigInt(file.length - 8));
    expect(view.getBigUint64(28, true), 'ds64 data size').toBe(BigInt(dataBytes));
    expect(view.getBigUint64(36, true), 'ds64 sample count').toBe(BigInt(dataBytes / 4));
    const path = pathOf(outputKey);
    expectNear(ms(await ffprobeDurationSeconds(path)), 10_200, 0.1, 'ffprobe duration');
    const found = await ffmpegSilences(path);
    expect(found).toHaveLength(1);
    expectNear(ms(found[0]?.startSeconds ?? Number.NaN), 100, 2, 'pause start');
    expectNear(ms(found[0]?.endSeconds ?? Number.NaN), 10_100, 2, 'pause end');
  });

  it.each([
    ['pcm_u8', '80', 0],
    ['pcm_mulaw', 'ff', 0],
    // A-law has no zero code: 0xD5 is its smallest step (±8 of 32,767), what encoders write for silence.
    ['pcm_alaw', 'd5', 8],
    ['pcm_f32le', '00', 0],
  ])(
    'wav %s: the pause is that encoding’s silence (byte 0x%s), which ffmpeg decodes as silence',
    async (codec, silentByte, decodedAtMost) => {
      const segments = await Promise.all(
        [300, 500].map(async (frequency) => {
          const made = join(root, `tone-${codec}-${frequency}.wav`);
          await execFileAsync('ffmpeg', [
            '-nostdin',
            '-v',
            'error',
            '-y',
            '-f',
            'lavfi',
            '-i',
            `sine=frequency=${frequency}:duration=0.4:sample_rate=8000`,
            '-c:a',
            codec,
            made,
          ]);
          return new Uint8Array(await readFile(made));
        }),
      );
      const keys = await segmentsOnDisk(segments, 'wav');
      const outputKey = `run${run}/${codec}.wav`;
      const result = await stitch({
        storage,
        segmentKeys: keys,
        audio: { format: 'wav', sampleRate: 8000, channels: 1 },
        outputKey,
        pausesAfterMs: [250],
      });
      expect(result.segments[0]?.pauseAfterMs).toBe(250);
      const path = pathOf(outputKey);
      const file = new Uint8Array(await readFile(path));
      const decoded = await ffmpegDecodeSamples(path);
      expect(decoded.errors).toBe('');
      expect(decoded.samples.length).toBe((8000 * (400 + 250 + 400)) / 1000);
      const pause = decoded.samples.subarray(3200, 3200 + 2000);
      expect(Math.max(...pause.map((sample) => Math.abs(sample))), 'loudest decoded sample in the pause').toBeLessThanOrEqual(
        decodedAtMost,
      );
      // The data chunk ends the file: segment 0, the pause, segment 1 (3,200 samples, even: no pad byte).
      const bytesPerSample = codec === 'pcm_f32le' ? 4 : 1;
      const segment1At = file.length - 3200 * bytesPerSample;
      const pauseBytes = file.subarray(segment1At - 2000 * bytesPerSample, segment1At);
      expect(pauseBytes.every((byte) => byte === Number.parseInt(silentByte, 16))).toBe(true);
    },
  );

  it('pcm: writes whole zero sample frames after the segments asked for', async () => {
    const stereo = { sampleRate: 16000, channels: 2 } as const;
    const a = synthPcm({ ...stereo, durationMs: 500, frequencyHz: 300 });
    const b = synthPcm({ ...stereo, durationMs: 300, frequencyHz: 600 });
    const keys = await segmentsOnDisk([a, b], 'pcm');
    const outputKey = `run${run}/book.pcm`;
    // 250.01 ms is 4,000.16 sample frames: 4,001 of them, 250.0625 ms.
    const result = await stitch({ storage, segmentKeys: keys, audio: { format: 'pcm', ...stereo }, outputKey, pausesAfterMs: [250.01] });
    expect(result.segments.map((segment) => [segment.startMs, segment.durationMs, segment.pauseAfterMs])).toEqual([
      [0, 500, 250.0625],
      [750.0625, 300, 0],
    ]);
    expectTimesAddUp(result);
    const file = new Uint8Array(await readFile(pathOf(outputKey)));
    const expected = concatBytes([a, new Uint8Array(4001 * 4), b]);
    expect(Buffer.from(file).equals(Buffer.from(expected)), 'samples, zero sample frames, samples').toBe(true);
    const raw = ['-f', 's16le', '-ar', '16000', '-ac', '2'];
    const path = pathOf(outputKey);
    expectNear(ms(await ffprobeDurationSeconds(path, raw)), result.durationMs, 0.1, 'ffprobe duration');
    const found = await ffmpegSilences(path, { inputArgs: raw });
    expect(found).toHaveLength(1);
    expectNear(ms(found[0]?.startSeconds ?? Number.NaN), 500, 2, 'pause start');
    expectNear(ms(found[0]?.endSeconds ?? Number.NaN), result.segments[1]?.startMs ?? Number.NaN, 2, 'pause end: segment 1 starts');
  });
});

describe('stitch refuses pauses that are not a pause', () => {
  it.each([
    ['more pauses than segments', [0, 0, 0], /pausesAfterMs: has 3 entries for 2 segments/],
    ['a negative pause', [0, -1], /pausesAfterMs\[1\]: must be a number of milliseconds from 0 to 60000/],
    ['NaN', [Number.NaN], /pausesAfterMs\[0\]: must be a number of milliseconds from 0 to 60000/],
    ['over a minute', [60_001], /pausesAfterMs\[0\]: must be a number of milliseconds from 0 to 60000/],
  ])('%s: an InputError naming the field, before anything is written', async (_what, pausesAfterMs, message) => {
    const keys = await segmentsOnDisk(
      [synthPcm({ sampleRate: 16000, channels: 1, durationMs: 50 }), synthPcm({ sampleRate: 16000, channels: 1, durationMs: 50 })],
      'pcm',
    );
    const outputKey = `run${run}/refused.pcm`;
    const failure = stitch({
      storage,
      segmentKeys: keys,
      audio: { format: 'pcm', sampleRate: 16000, channels: 1 },
      outputKey,
      pausesAfterMs,
    });
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toThrow(message);
    expect(await storage.head(outputKey)).toBeNull();
  });
});
