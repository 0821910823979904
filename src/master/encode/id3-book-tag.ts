import { buildId3ChapterTag, id3Frame } from '../../audio/id3-chapters.ts';
import type { CoverImage } from './cover-image.ts';
import type { OutputChapter } from './encode-types.ts';
import type { FileTags } from './file-tags.ts';
import { FRONT_COVER } from './flac-picture.ts';

const LATIN1 = 0;
const UTF16 = 1;
type Encoding = typeof LATIN1 | typeof UTF16;

/** ISO-8859-1 when every string of the frame fits it (smaller, read by every player), else UTF-16 with BOM. */
function encodingFor(...texts: readonly string[]): Encoding {
  return texts.every((text) => [...text].every((char) => (char.codePointAt(0) ?? 0) <= 0xff)) ? LATIN1 : UTF16;
}

function encode(text: string, encoding: Encoding, terminated: boolean): Buffer {
  if (encoding === LATIN1) return Buffer.concat([Buffer.from(text, 'latin1'), terminated ? Buffer.of(0) : Buffer.alloc(0)]);
  return Buffer.concat([Buffer.of(0xff, 0xfe), Buffer.from(text, 'utf16le'), terminated ? Buffer.of(0, 0) : Buffer.alloc(0)]);
}

function textFrame(id: string, text: string): Uint8Array {
  const encoding = encodingFor(text);
  return id3Frame(id, Buffer.concat([Buffer.of(encoding), encode(text, encoding, false)]));
}

/** TXXX: a named text field ("NARRATOR"). */
function userTextFrame(description: string, text: string): Uint8Array {
  const encoding = encodingFor(description, text);
  return id3Frame('TXXX', Buffer.concat([Buffer.of(encoding), encode(description, encoding, true), encode(text, encoding, false)]));
}

/** COMM with no description; language "XXX" (unknown), as ID3v2.3 allows. */
function commentFrame(text: string): Uint8Array {
  const encoding = encodingFor(text);
  return id3Frame(
    'COMM',
    Buffer.concat([Buffer.of(encoding), Buffer.from('XXX', 'latin1'), encode('', encoding, true), encode(text, encoding, false)]),
  );
}

/** APIC: the front cover, MIME type in ISO-8859-1, no description. */
function pictureFrame(cover: CoverImage): Uint8Array {
  return id3Frame('APIC', Buffer.concat([Buffer.of(LATIN1), encode(cover.mime, LATIN1, true), Buffer.of(FRONT_COVER, 0), cover.bytes]));
}

/**
 * The ID3v2.3 tag an MP3 output starts with: TIT2 title, TALB album, TPE1 and TPE2 the author
 * (artist and album artist), the narrator as TCOM (composer: what players show and
 * Audiobookshelf reads as narrator) and TXXX NARRATOR (says what it is), TYER, TCON, TLAN,
 * COMM, TRCK, the APIC cover, then the CTOC/CHAP chapters (nested past 255, see id3-chapters).
 */
export function buildId3BookTag(tags: FileTags, chapters: readonly OutputChapter[], cover: CoverImage | undefined): Uint8Array {
  const frames: Uint8Array[] = [];
  if (tags.album !== undefined) frames.push(textFrame('TALB', tags.album));
  if (tags.author !== undefined) frames.push(textFrame('TPE1', tags.author), textFrame('TPE2', tags.author));
  if (tags.narrator !== undefined) frames.push(textFrame('TCOM', tags.narrator), userTextFrame('NARRATOR', tags.narrator));
  if (tags.year !== undefined) frames.push(textFrame('TYER', String(tags.year).padStart(4, '0')));
  if (tags.genre !== undefined) frames.push(textFrame('TCON', tags.genre));
  if (tags.language !== undefined) frames.push(textFrame('TLAN', tags.language));
  if (tags.comment !== undefined) frames.push(commentFrame(tags.comment));
  if (tags.track !== undefined) frames.push(textFrame('TRCK', `${tags.track.number}/${tags.track.of}`));
  if (cover !== undefined) frames.push(pictureFrame(cover));
  return buildId3ChapterTag({ ...(tags.title === undefined ? {} : { title: tags.title }), chapters, frames });
}
