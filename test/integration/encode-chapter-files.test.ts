import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeChapterFiles, type OutputChapter } from '../../src/master/encode/encode-output.ts';
import { ffmpegDecodeSamples } from '../support/ffmpeg.ts';
import { ffprobeAll, lavfiPicture, lavfiWav } from '../support/lavfi.ts';

const RATE = 16_000;
/** Chapter times that fall between milliseconds' worth of samples nowhere: 16 samples a millisecond. */
const CHAPTERS: OutputChapter[] = [
  { title: 'Opening Credits', startMs: 0, endMs: 1_250 },
  { title: 'Part 2: "Why?" / Now…', startMs: 1_250, endMs: 3_100 },
  { title: '   ..', startMs: 3_400, endMs: 4_000 },
];

let scratch: string;
let input: string;
let cover: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tts-batch-split-'));
  input = join(scratch, 'book.wav');
  cover = join(scratch, 'cover.jpg');
  await lavfiWav(input, { seconds: 4, sampleRate: RATE, channels: 1, signal: 'noise' });
  await lavfiPicture(cover);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('encodeChapterFiles', () => {
  it('cuts one file per chapter at the chapter times, sample for sample', async () => {
    const folder = join(scratch, 'wav');
    const files = await encodeChapterFiles({ input, outputPath: '', format: 'wav', chapters: CHAPTERS, tags: { title: 'Book' } }, folder);
    expect(files.map((file) => basename(file.path))).toEqual(['01 - Opening Credits.wav', '02 - Part 2 Why Now.wav', '03 - Chapter 3.wav']);
    expect((await readdir(folder)).sort()).toEqual(files.map((file) => basename(file.path)).sort());
    const whole = (await ffmpegDecodeSamples(input)).samples;
    for (const [index, file] of files.entries()) {
      const chapter = CHAPTERS[index]!;
      const start = (chapter.startMs * RATE) / 1000;
      const end = (chapter.endMs * RATE) / 1000;
      const cut = await ffmpegDecodeSamples(file.path);
      expect(cut.errors).toBe('');
      expect(cut.samples.length, `chapter ${index + 1} length`).toBe(end - start);
      expect(Buffer.from(cut.samples.buffer).equals(Buffer.from(whole.slice(start, end).buffer)), `chapter ${index + 1} samples`).toBe(
        true,
      );
      expect(file.durationMs).toBe(chapter.endMs - chapter.startMs);
    }
  });

  it('titles each mp3 after its chapter, with the book as album, its track number and the cover', async () => {
    const folder = join(scratch, 'mp3');
    const files = await encodeChapterFiles(
      { input, outputPath: '', format: 'mp3', chapters: CHAPTERS, tags: { title: 'Book', author: 'A. Writer' }, coverPath: cover },
      folder,
    );
    for (const [index, file] of files.entries()) {
      const chapter = CHAPTERS[index]!;
      const probed = await ffprobeAll(file.path);
      expect(probed.format.tags).toMatchObject({ title: chapter.title, album: 'Book', artist: 'A. Writer', track: `${index + 1}/3` });
      expect(probed.chapters, 'a chapter file carries no chapter marks').toEqual([]);
      expect(probed.streams.filter((stream) => stream.disposition?.attached_pic === 1)).toHaveLength(1);
      expect(Math.abs(file.durationMs - (chapter.endMs - chapter.startMs))).toBeLessThanOrEqual(25);
    }
  });
});
