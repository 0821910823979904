import { InputError } from '../errors/input-error.ts';

/**
 * An ID3v2.3 tag with a title (TIT2) and chapters (CTOC + CHAP, per the ID3v2 Chapter Frame
 * Addendum). v2.3 because more players read it than v2.4; sizes inside frames are plain 32-bit.
 * A CTOC lists at most 255 entries (its count is one byte), so a book with more chapters gets a
 * top-level CTOC whose entries are child CTOCs of up to 255 chapters each, as the addendum allows.
 */

export interface ChapterMark {
  title: string;
  startMs: number;
  endMs: number;
}

export interface Id3ChapterTagInput {
  title?: string;
  chapters: readonly ChapterMark[];
  /** More frames (built with `id3Frame`: tags, a cover), written after the title, before the chapters. */
  frames?: readonly Uint8Array[];
}

/** CTOC stores its entry count in one byte. */
export const MAX_TOC_ENTRIES = 255;
/** Two levels of tables: a top-level CTOC of up to 255 child CTOCs of up to 255 chapters each. */
export const MAX_CHAPTERS = MAX_TOC_ENTRIES * MAX_TOC_ENTRIES;
/** The tag header stores the body size in 28 bits (syncsafe: 7 bits per byte). */
export const MAX_TAG_BODY_BYTES = 2 ** 28 - 1;

function latin1OrUtf16(text: string): Uint8Array {
  const latin1 = [...text].every((char) => (char.codePointAt(0) ?? 0) <= 0xff);
  if (latin1) {
    const out = new Uint8Array(1 + text.length);
    out[0] = 0; // ISO-8859-1
    for (let i = 0; i < text.length; i++) out[1 + i] = text.charCodeAt(i);
    return out;
  }
  const out = new Uint8Array(3 + text.length * 2);
  out[0] = 1; // UTF-16 with BOM
  out[1] = 0xff;
  out[2] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[3 + i * 2] = unit & 0xff;
    out[4 + i * 2] = unit >> 8;
  }
  return out;
}

function asciiz(text: string): Uint8Array {
  const out = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0x7f;
  return out;
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0);
  return out;
}

/** One ID3v2.3 frame: a four-character id, a plain 32-bit size, no flags, then the body. */
export function id3Frame(id: string, body: Uint8Array): Uint8Array {
  const header = new Uint8Array(10);
  for (let i = 0; i < 4; i++) header[i] = id.charCodeAt(i);
  header.set(u32(body.length), 4);
  return Buffer.concat([header, body]);
}

function titleFrame(title: string): Uint8Array {
  return id3Frame('TIT2', latin1OrUtf16(title));
}

const TOP_LEVEL_ORDERED = 0x03;
const ORDERED = 0x01;

function tocFrame(id: string, flags: number, entries: readonly string[]): Uint8Array {
  return id3Frame('CTOC', Buffer.concat([asciiz(id), Uint8Array.of(flags, entries.length), ...entries.map(asciiz)]));
}

/** One top-level table of the chapter ids, or (past 255) a top-level table of child tables. */
function tocFrames(ids: readonly string[]): Uint8Array[] {
  if (ids.length <= MAX_TOC_ENTRIES) return [tocFrame('toc', TOP_LEVEL_ORDERED, ids)];
  const children: Uint8Array[] = [];
  const childIds: string[] = [];
  for (let start = 0; start < ids.length; start += MAX_TOC_ENTRIES) {
    const childId = `toc${childIds.length}`;
    childIds.push(childId);
    children.push(tocFrame(childId, ORDERED, ids.slice(start, start + MAX_TOC_ENTRIES)));
  }
  return [tocFrame('toc', TOP_LEVEL_ORDERED, childIds), ...children];
}

/** The tag, header included; goes at the very start of the file. */
export function buildId3ChapterTag(input: Id3ChapterTagInput): Uint8Array {
  if (input.chapters.length > MAX_CHAPTERS) {
    throw new InputError(
      'chapters',
      `at most ${MAX_CHAPTERS} chapters fit an ID3 table of contents (255 tables of 255)`,
      input.chapters.length,
    );
  }
  const frames: Uint8Array[] = [];
  if (input.title !== undefined) frames.push(titleFrame(input.title));
  frames.push(...(input.frames ?? []));
  if (input.chapters.length > 0) {
    const ids = input.chapters.map((_, index) => `ch${index}`);
    frames.push(...tocFrames(ids));
    input.chapters.forEach((chapter, index) => {
      const times = Buffer.concat([u32(Math.round(chapter.startMs)), u32(Math.round(chapter.endMs)), u32(0xffffffff), u32(0xffffffff)]);
      frames.push(id3Frame('CHAP', Buffer.concat([asciiz(ids[index] ?? `ch${index}`), times, titleFrame(chapter.title)])));
    });
  }
  const body = Buffer.concat(frames);
  if (body.length > MAX_TAG_BODY_BYTES) {
    throw new InputError(
      'chapters',
      `the title and chapter titles take ${body.length} bytes, more than the ${MAX_TAG_BODY_BYTES} an ID3 tag holds`,
      body.length,
    );
  }
  const header = new Uint8Array(10);
  header.set([0x49, 0x44, 0x33, 3, 0, 0]); // "ID3", v2.3.0, no flags
  const size = body.length;
  header[6] = (size >>> 21) & 0x7f;
  header[7] = (size >>> 14) & 0x7f;
  header[8] = (size >>> 7) & 0x7f;
  header[9] = size & 0x7f;
  return Buffer.concat([header, body]);
}
