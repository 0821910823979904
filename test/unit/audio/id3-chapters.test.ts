import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { buildId3ChapterTag, MAX_CHAPTERS, MAX_TOC_ENTRIES, type ChapterMark } from '../../../src/audio/id3-chapters.ts';
import { stitch } from '../../../src/stitcher/stitch.ts';
import type { AudioSettings } from '../../../src/audio/audio-settings.ts';
import { synthMp3 } from '../../support/audio-synth.ts';
import { ffprobeChapters, withTempFile } from '../../support/ffmpeg.ts';
import { MemoryStorage } from '../../support/memory-storage.ts';

interface Toc {
  id: string;
  topLevel: boolean;
  ordered: boolean;
  children: string[];
}

/** The frames of an ID3v2.3 tag (plain 32-bit frame sizes), read independently of the writer. */
function readFrames(tag: Uint8Array): { id: string; body: Uint8Array }[] {
  const size = ((tag[6] ?? 0) << 21) | ((tag[7] ?? 0) << 14) | ((tag[8] ?? 0) << 7) | (tag[9] ?? 0);
  expect(10 + size).toBe(tag.length);
  const view = new DataView(tag.buffer, tag.byteOffset, tag.length);
  const frames: { id: string; body: Uint8Array }[] = [];
  for (let offset = 10; offset < tag.length;) {
    const id = String.fromCharCode(...tag.subarray(offset, offset + 4));
    const length = view.getUint32(offset + 4);
    frames.push({ id, body: tag.subarray(offset + 10, offset + 10 + length) });
    offset += 10 + length;
  }
  return frames;
}

function readToc(body: Uint8Array): Toc {
  const zero = (from: number): number => body.indexOf(0, from);
  const idEnd = zero(0);
  const flags = body[idEnd + 1] ?? 0;
  const count = body[idEnd + 2] ?? 0;
  const children: string[] = [];
  let cursor = idEnd + 3;
  for (let i = 0; i < count; i++) {
    const end = zero(cursor);
    children.push(String.fromCharCode(...body.subarray(cursor, end)));
    cursor = end + 1;
  }
  return { id: String.fromCharCode(...body.subarray(0, idEnd)), topLevel: (flags & 2) !== 0, ordered: (flags & 1) !== 0, children };
}

const marks = (count: number): ChapterMark[] =>
  Array.from({ length: count }, (_, index) => ({ title: `Chapter ${index + 1}`, startMs: index * 100, endMs: (index + 1) * 100 }));

describe('ID3 chapter tag', () => {
  it('keeps one flat top-level table of contents for up to 255 chapters', () => {
    const frames = readFrames(buildId3ChapterTag({ chapters: marks(MAX_TOC_ENTRIES) }));
    const tocs = frames.filter((f) => f.id === 'CTOC').map((f) => readToc(f.body));
    expect(tocs).toHaveLength(1);
    expect(tocs[0]).toMatchObject({ topLevel: true, ordered: true });
    expect(tocs[0]?.children).toHaveLength(255);
    expect(frames.filter((f) => f.id === 'CHAP')).toHaveLength(255);
  });

  it('nests child tables of at most 255 chapters under one top-level table past 255 chapters', () => {
    const frames = readFrames(buildId3ChapterTag({ title: 'A web novel', chapters: marks(1000) }));
    const tocs = frames.filter((f) => f.id === 'CTOC').map((f) => readToc(f.body));
    const top = tocs.filter((toc) => toc.topLevel);
    expect(top).toHaveLength(1);
    expect(top[0]?.ordered).toBe(true);
    const children = tocs.filter((toc) => !toc.topLevel);
    expect(top[0]?.children).toEqual(children.map((toc) => toc.id));
    expect(children.map((toc) => toc.children.length)).toEqual([255, 255, 255, 235]);
    for (const child of children) expect(child.ordered).toBe(true);
    const chapIds = frames.filter((f) => f.id === 'CHAP').map((f) => String.fromCharCode(...f.body.subarray(0, f.body.indexOf(0))));
    // Every chapter is listed once, in spoken order, across the child tables.
    expect(children.flatMap((toc) => toc.children)).toEqual(chapIds);
    expect(new Set(chapIds).size).toBe(1000);
  });

  it(`refuses more than ${MAX_CHAPTERS} chapters with one InputError naming the limit`, () => {
    expect(MAX_CHAPTERS).toBe(255 * 255);
    expect(() => buildId3ChapterTag({ chapters: marks(MAX_CHAPTERS + 1) })).toThrow(InputError);
    expect(() => buildId3ChapterTag({ chapters: marks(MAX_CHAPTERS + 1) })).toThrow(`at most ${MAX_CHAPTERS} chapters`);
  });

  it('stitches 1,000 chapters that ffprobe -show_chapters reads back, in order, at the counted starts', async () => {
    const audio: AudioSettings = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 };
    const storage = new MemoryStorage();
    const segment = synthMp3({ durationMs: 100, sampleRate: 24000, channels: 1 });
    const keys = Array.from({ length: 1000 }, (_, index) => {
      storage.set(`s/${index}.mp3`, segment);
      return `s/${index}.mp3`;
    });
    const result = await stitch({
      storage,
      segmentKeys: keys,
      audio,
      outputKey: 'book.mp3',
      chapters: keys.map((_, index) => ({ title: `第${index + 1}章`, firstSegment: index })),
    });
    const file = storage.objects.get('book.mp3') ?? new Uint8Array(0);
    const chapters = await withTempFile(file, 'mp3', ffprobeChapters);
    expect(chapters).toHaveLength(1000);
    expect(chapters.map((c) => c.title)).toEqual(keys.map((_, index) => `第${index + 1}章`));
    chapters.forEach((chapter, index) => {
      expect(Math.abs(chapter.startSeconds * 1000 - (result.segments[index]?.startMs ?? Number.NaN))).toBeLessThanOrEqual(1);
    });
  });
});
