import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMp3FrameHeader } from '../../src/audio/mp3-frame-header.ts';
import { encodeOutput, type OutputChapter, type OutputFormat, type OutputTags } from '../../src/master/encode/encode-output.ts';
import { ffmpegDecode, ffmpegDecodeSamples } from '../support/ffmpeg.ts';
import { ffprobeAll, lavfiPicture, lavfiWav, type ProbedFile } from '../support/lavfi.ts';
import { findBoxes, readBoxes, readNeroChapters } from '../support/mp4-boxes.ts';

const CHAPTERS: OutputChapter[] = [
  { title: 'Chapter One', startMs: 0, endMs: 2_000 },
  { title: 'Chapter Two 第二章', startMs: 2_000, endMs: 4_250 },
  { title: 'Three: "quotes" = ; # \\ fine', startMs: 4_250, endMs: 6_000 },
];
const TAGS: OutputTags = {
  title: 'My Book',
  author: 'Jane Author',
  narrator: 'Nick Narrator',
  year: 2024,
  genre: 'Audiobook',
  language: 'eng',
  comment: 'Made in a test',
};
const INPUT_MS = 6_000;
/** The bar issue 11 sets for chapter starts and decoded lengths. */
const TOLERANCE_MS = 25;

let scratch: string;
let input: string;
let jpeg: string;
let png: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tts-batch-encode-'));
  input = join(scratch, 'book.wav');
  jpeg = join(scratch, 'cover.jpg');
  png = join(scratch, 'cover.png');
  await lavfiWav(input, { seconds: INPUT_MS / 1000, sampleRate: 44_100, channels: 1 });
  await lavfiPicture(jpeg, 'red');
  await lavfiPicture(png, 'blue');
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Format and audio-stream tags together, keys lower-cased: ID3, MP4 and Vorbis name them differently. */
function tagsOf(probed: ProbedFile): Record<string, string> {
  const audio = probed.streams.find((stream) => stream.codec_type === 'audio');
  const all = { ...probed.format.tags, ...audio?.tags };
  return Object.fromEntries(Object.entries(all).map(([key, value]) => [key.toLowerCase(), value]));
}

async function decodedMs(path: string, inputArgs: readonly string[] = []): Promise<number> {
  const probed = await ffprobeAll(path, inputArgs);
  const audio = probed.streams.find((stream) => stream.codec_type === 'audio');
  const decoded = await ffmpegDecode(path, inputArgs);
  expect(decoded.errors).toBe('');
  return (decoded.pcmBytes / 2 / (audio?.channels ?? 1) / Number(audio?.sample_rate)) * 1000;
}

const cases: { format: OutputFormat; cover: 'jpg' | 'png'; picture: string }[] = [
  { format: 'mp3', cover: 'jpg', picture: 'mjpeg' },
  { format: 'm4b', cover: 'png', picture: 'png' },
  { format: 'flac', cover: 'jpg', picture: 'mjpeg' },
  { format: 'opus', cover: 'png', picture: 'png' },
];

describe('encodeOutput', () => {
  it.each(cases)('writes $format with its chapters, cover and tags, as long as the input', async ({ format, cover, picture }) => {
    const outputPath = join(scratch, format, `book.${format}`);
    const result = await encodeOutput({
      input,
      outputPath,
      format,
      chapters: CHAPTERS,
      tags: TAGS,
      coverPath: cover === 'jpg' ? jpeg : png,
    });
    expect(result.path).toBe(outputPath);
    expect(result.format).toBe(format);
    expect(result.bytes).toBe((await stat(outputPath)).size);
    expect(await readdir(join(scratch, format)), 'nothing but the output is left in its folder').toEqual([`book.${format}`]);

    const probed = await ffprobeAll(outputPath);
    expect(probed.chapters.map((chapter) => chapter.tags?.title)).toEqual(CHAPTERS.map((chapter) => chapter.title));
    probed.chapters.forEach((chapter, index) => {
      expect(Math.abs(Number(chapter.start_time) * 1000 - (CHAPTERS[index]?.startMs ?? NaN))).toBeLessThanOrEqual(TOLERANCE_MS);
    });

    const pictures = probed.streams.filter((stream) => stream.disposition?.attached_pic === 1);
    expect(pictures.map((stream) => stream.codec_name)).toEqual([picture]);
    // ID3 APIC and FLAC pictures have a type; MP4's covr has none.
    if (format !== 'm4b') expect(pictures[0]?.tags?.comment).toBe('Cover (front)');

    const tags = tagsOf(probed);
    expect(tags).toMatchObject({
      title: 'My Book',
      album: 'My Book',
      artist: 'Jane Author',
      album_artist: 'Jane Author',
      composer: 'Nick Narrator',
      genre: 'Audiobook',
      date: '2024',
      comment: 'Made in a test',
    });
    if (format === 'm4b') expect(tags).toMatchObject({ language: 'eng', media_type: '2' });
    else expect(tags).toMatchObject({ narrator: 'Nick Narrator', language: 'eng' });

    expect(Math.abs(result.durationMs - INPUT_MS)).toBeLessThanOrEqual(TOLERANCE_MS);
    expect(Math.abs((await decodedMs(outputPath)) - INPUT_MS)).toBeLessThanOrEqual(TOLERANCE_MS);
  });

  it('writes m4b chapters twice: a QuickTime chapter track and a Nero chpl list, under the audiobook brand', async () => {
    const outputPath = join(scratch, 'boxes', 'book.m4b');
    await encodeOutput({ input, outputPath, format: 'm4b', chapters: CHAPTERS, tags: TAGS });
    const boxes = readBoxes(await readFile(outputPath));
    expect(boxes.map((box) => box.type).slice(0, 2), 'moov before mdat (faststart)').toEqual(['ftyp', 'moov']);
    expect(findBoxes(boxes, 'ftyp')[0]?.body.toString('latin1', 0, 4)).toBe('M4B ');
    const chapterRefs = findBoxes(boxes, 'moov/trak/tref/chap');
    expect(chapterRefs, 'the audio track points at a chapter track').toHaveLength(1);
    const chapterTrackId = chapterRefs[0]?.body.readUInt32BE(0);
    const trackIds = findBoxes(boxes, 'moov/trak/tkhd').map((tkhd) => tkhd.body.readUInt32BE(tkhd.body.readUInt8(0) === 1 ? 20 : 12));
    expect(trackIds).toContain(chapterTrackId);
    const chpl = findBoxes(boxes, 'moov/udta/chpl');
    expect(chpl).toHaveLength(1);
    const nero = readNeroChapters(chpl[0]?.body ?? Buffer.alloc(0));
    expect(nero.map((chapter) => chapter.title)).toEqual(CHAPTERS.map((chapter) => chapter.title));
    nero.forEach((chapter, index) =>
      expect(Math.abs(chapter.startMs - (CHAPTERS[index]?.startMs ?? NaN))).toBeLessThanOrEqual(TOLERANCE_MS),
    );
  });

  it('pads an m4b to whole AAC frames, so a decoder that ignores the edit list hears the length it reports', async () => {
    const source = join(scratch, 'speech-rate.wav');
    await lavfiWav(source, { seconds: 6, sampleRate: 22_050, channels: 1 });
    const outputPath = join(scratch, 'padded', 'book.m4b');
    const result = await encodeOutput({ input: source, outputPath, format: 'm4b', chapters: CHAPTERS, tags: {} });
    // ffmpeg 5.1 decodes the last AAC frame whole: unpadded, 37 ms more than the edit list says.
    expect(Math.abs((await decodedMs(outputPath)) - result.durationMs)).toBeLessThanOrEqual(1);
    expect(result.durationMs).toBeGreaterThanOrEqual(INPUT_MS);
    expect(result.durationMs - INPUT_MS, 'less than one AAC frame of padding').toBeLessThan((1024 / 22_050) * 1000);
  });

  it.each(['mp3', 'm4b'] as const)('writes all of 300 chapters to %s (nested ID3 tables; the QuickTime track)', async (format) => {
    const source = join(scratch, 'thirty.wav');
    await lavfiWav(source, { seconds: 30, sampleRate: 16_000, channels: 1 });
    const many: OutputChapter[] = Array.from({ length: 300 }, (_, index) => ({
      title: `Chapter ${index + 1}`,
      startMs: index * 100,
      endMs: (index + 1) * 100,
    }));
    const outputPath = join(scratch, 'many', `book.${format}`);
    await encodeOutput({ input: source, outputPath, format, chapters: many, tags: {} });
    const probed = await ffprobeAll(outputPath);
    expect(probed.chapters.map((chapter) => chapter.tags?.title)).toEqual(many.map((chapter) => chapter.title));
    probed.chapters.forEach((chapter, index) => {
      expect(Math.abs(Number(chapter.start_time) * 1000 - index * 100)).toBeLessThanOrEqual(TOLERANCE_MS);
    });
    if (format === 'm4b') {
      // Nero's count is one byte: ffmpeg writes the first 255 there; the chapter track has all.
      const chpl = findBoxes(readBoxes(await readFile(outputPath)), 'moov/udta/chpl')[0];
      expect(readNeroChapters(chpl?.body ?? Buffer.alloc(0))).toHaveLength(255);
    }
  });

  it('writes mp3 at CBR 192 kbps and 44.1 kHz when asked, every frame at that bitrate, from 24 kHz stereo f32', async () => {
    const source = join(scratch, 'stereo-f32.wav');
    await lavfiWav(source, { seconds: 3, sampleRate: 24_000, channels: 2, sampleFormat: 'f32' });
    const outputPath = join(scratch, 'acx', 'book.mp3');
    const result = await encodeOutput({
      input: source,
      outputPath,
      format: 'mp3',
      sampleRate: 44_100,
      channels: 1,
      bitrateKbps: 192,
      cbr: true,
      chapters: [],
      tags: { title: 'ACX' },
    });
    const probed = await ffprobeAll(outputPath);
    const audio = probed.streams.find((stream) => stream.codec_type === 'audio');
    expect(audio).toMatchObject({ codec_name: 'mp3', sample_rate: '44100', channels: 1, bit_rate: '192000' });
    const bytes = await readFile(outputPath);
    const tagEnd = 10 + ((bytes[6]! << 21) | (bytes[7]! << 14) | (bytes[8]! << 7) | bytes[9]!);
    const bitrates = new Set<number>();
    let frames = 0;
    for (let offset = tagEnd; offset + 4 <= bytes.length;) {
      const header = parseMp3FrameHeader(bytes, offset);
      if (header === null) throw new Error(`no frame header at ${offset}`);
      if (frames === 0)
        expect(
          bytes.toString('latin1', offset + 4 + header.sideInfoLength, offset + 8 + header.sideInfoLength),
          'a CBR Info frame first',
        ).toBe('Info');
      bitrates.add(header.bitrateKbps);
      frames++;
      offset += header.frameLength;
    }
    expect([...bitrates]).toEqual([192]);
    expect(frames).toBeGreaterThan(100);
    expect(Math.abs(result.durationMs - 3_000)).toBeLessThanOrEqual(TOLERANCE_MS);
  });

  it.each(['wav', 'pcm'] as const)('writes %s with exactly the input samples and no tags', async (format) => {
    const source = join(scratch, 'noise.wav');
    await lavfiWav(source, { seconds: 2, sampleRate: 22_050, channels: 2, signal: 'noise' });
    const outputPath = join(scratch, format, `book.${format}`);
    const result = await encodeOutput({ input: source, outputPath, format, chapters: CHAPTERS.slice(0, 1), tags: TAGS, coverPath: jpeg });
    const pcmArgs = format === 'pcm' ? ['-f', 's16le', '-ar', '22050', '-ac', '2'] : [];
    const written = await ffmpegDecodeSamples(outputPath, pcmArgs);
    const original = await ffmpegDecodeSamples(source);
    expect(written.errors).toBe('');
    expect(written.samples.length).toBe(original.samples.length);
    expect(Buffer.from(written.samples.buffer).equals(Buffer.from(original.samples.buffer))).toBe(true);
    expect(result.durationMs).toBe(2_000);
    if (format === 'wav') {
      const probed = await ffprobeAll(outputPath);
      expect(probed.format.tags ?? {}, 'wav carries audio only').toEqual({});
      expect(probed.chapters).toEqual([]);
    }
  });
});
