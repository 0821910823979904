/**
 * Names a person can use for a render's folder and files (issue 11): from the book's title,
 * else the input file's name. Every name here is a safe storage key segment (storage-key.ts).
 */
import { toSafeName } from '../storage/storage-key.ts';
import { cutText, graphemes } from '../util/characters.ts';

/** A folder name: short enough to read in a listing, far under any limit. */
const MAX_SLUG_CHARS = 80;
/**
 * A folder name's bytes: with the longest suffix a claim can add ("-" and a 64-character render
 * id, claim-book-folder.ts) it stays within 255, one name's limit on ext4, APFS and S3 tools.
 * 80 four-byte letters (CJK Extension B) would be 320.
 */
const MAX_SLUG_BYTES = 190;
/** A file name's title part; leaves room for a number, a suffix and an extension in 255 bytes. */
const MAX_NAME_BYTES = 200;

/** A character (grapheme) that belongs to a word: a letter or digit first, with its marks. */
const WORD_START = /^[\p{L}\p{N}]/u;
const WORD_PART = /[\p{L}\p{M}\p{N}]/u;

/**
 * Lower case, letters and digits of any script kept (a Chinese title stays Chinese), every other
 * run of characters one "-", none at either end; cut after a whole word, or inside the first
 * word when that alone is too long (Chinese and Japanese titles have no spaces), never inside a
 * character. "" when nothing is left: callers fall back.
 */
export function bookSlug(name: string): string {
  let spaced = '';
  for (const character of graphemes(name.normalize('NFKC').toLowerCase())) {
    // A mark after an emoji (its variation selector) goes with it, not into the slug.
    spaced += WORD_START.test(character) ? [...character].filter((c) => WORD_PART.test(c)).join('') : ' ';
  }
  const words = spaced.split(' ').filter((word) => word !== '');
  const limits = { maxCodePoints: MAX_SLUG_CHARS, maxBytes: MAX_SLUG_BYTES };
  const fits = (text: string): boolean => [...text].length <= limits.maxCodePoints && Buffer.byteLength(text, 'utf8') <= limits.maxBytes;
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (!fits(next)) return slug === '' ? cutText(word, limits) : slug;
    slug = next;
  }
  return slug;
}

/** The book's title as a file name ("The Sample Book"), or "" when nothing of it is usable. */
export function bookFileName(title: string): string {
  return toSafeName(title, MAX_NAME_BYTES);
}

/** An input file's name without its folder and its extension: "books/moby-dick.txt" → "moby-dick". */
export function nameOfInputFile(path: string): string {
  const base = path.split(/[\\/]/).at(-1) ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * The folder slug and the files' base name from the first of `names` (title, input file name,
 * render id) that leaves something usable for each: a title of emoji alone still lets the
 * file's name be used rather than the render id. "book" when none does.
 */
export function bookNames(names: readonly (string | undefined)[]): { slug: string; baseName: string } {
  const given = names.filter((name): name is string => name !== undefined);
  const slug = given.map(bookSlug).find((candidate) => candidate !== '') ?? 'book';
  const baseName = given.map(bookFileName).find((candidate) => candidate !== '') ?? slug;
  return { slug, baseName };
}
