/**
 * Names a person can use for a render's folder and files (issue 11): from the book's title,
 * else the input file's name. Every name here is a safe storage key segment (storage-key.ts).
 */
import { toSafeName } from '../storage/storage-key.ts';

/** A folder name: short enough to read in a listing, far under any limit. */
const MAX_SLUG_CHARS = 80;
/** A file name's title part; leaves room for a number, a suffix and an extension in 255 bytes. */
const MAX_NAME_BYTES = 200;

/**
 * Lower case, letters and digits of any script kept (a Chinese title stays Chinese), every other
 * run of characters one "-", none at either end. "" when nothing is left: callers fall back.
 */
export function bookSlug(name: string): string {
  const words = name
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((word) => word !== '');
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if ([...next].length > MAX_SLUG_CHARS) break;
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
