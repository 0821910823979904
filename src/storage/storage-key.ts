import { InputError } from '../errors/input-error.ts';
import { cutText, graphemes } from '../util/characters.ts';

/** S3's own ceiling for a key, and far below any file system's path limit for a relative path. */
export const MAX_KEY_BYTES = 1024;

/**
 * A segment: letters, marks and digits of any script, and `. _ - ' , ( ) & ! +` and inner spaces,
 * so a render's files can carry a book's and its chapters' titles ("01 - Chapter One.mp3",
 * "三体.m4b"). What could leave the root or confuse a file system stays out: separators, ":",
 * control and format characters (a right-to-left override, a zero-width space), leading or
 * trailing spaces.
 */
const SEGMENT = /^[\p{L}\p{M}\p{N}._\-',()&!+]([\p{L}\p{M}\p{N}._\-',()&!+ ]*[\p{L}\p{M}\p{N}._\-',()&!+])?$/u;
/** Every character a segment may hold except the space. */
const NAME_CHARACTER = /[\p{L}\p{M}\p{N}._\-',()&!+]/u;

/**
 * Says what is wrong with `path` as a relative POSIX path of safe segments, or returns undefined
 * when nothing is. Shared by keys and by S3 prefixes, which follow the same rules.
 */
export function describePathProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.includes('\0')) return 'contains a NUL character';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.startsWith('/')) return 'starts with "/" (must be relative)';
  if (Buffer.byteLength(path, 'utf8') > MAX_KEY_BYTES) return `is longer than ${MAX_KEY_BYTES} bytes`;
  for (const segment of path.split('/')) {
    if (segment === '') return 'has an empty segment ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
    if (!SEGMENT.test(segment))
      return `segment ${quoteForMessage(segment)} has characters other than letters, digits, inner spaces and . _ - ' , ( ) & ! +`;
  }
  return undefined;
}

/**
 * Returns `key` when it is a safe storage key, else throws InputError (field 'key') naming the
 * problem. The rules keep every key strictly inside a storage's root on every backend.
 */
export function assertSafeKey(key: string): string {
  // Callers outside TypeScript (job data, CLI) can hand over anything.
  if (typeof key !== 'string') throw new InputError('key', `must be a string, got ${typeof key}`, key);
  const problem = describePathProblem(key);
  if (problem !== undefined) throw new InputError('key', `${quoteForMessage(key)} ${problem}`, key);
  return key;
}

/**
 * Returns `prefix` when it names a folder `list` may walk: '' (everything) or a safe key; else
 * throws InputError (field 'prefix').
 */
export function assertSafePrefix(prefix: string): string {
  if (typeof prefix !== 'string') throw new InputError('prefix', `must be a string, got ${typeof prefix}`, prefix);
  if (prefix === '') return prefix;
  const problem = describePathProblem(prefix);
  if (problem !== undefined) throw new InputError('prefix', `${quoteForMessage(prefix)} ${problem}`, prefix);
  return prefix;
}

/** Quotes a path for an error message, shortened so a hostile 1 MB key cannot flood a log line. */
export function quoteForMessage(path: string): string {
  return JSON.stringify(path.length > 120 ? `${path.slice(0, 120)}…` : path);
}

/** A character (grapheme) a name keeps starts with one a segment holds and is not a mark. */
const NAME_CHARACTER_START = /^[\p{L}\p{N}._\-',()&!+]/u;

/**
 * `text` made into one safe key segment for a file name: NFC (macOS and Linux agree on the
 * bytes), every character a segment cannot hold a space, runs of spaces one, no dot or space
 * at either end (a leading dot hides a file), cut to `maxBytes` of UTF-8 between whole
 * characters (a letter keeps its combining marks). A character is a grapheme: an emoji goes
 * with its variation selector, which would otherwise stay as an invisible mark ("❤️ Love"),
 * and a kept letter loses only the format characters inside it (a zero-width joiner).
 * "" when nothing is left.
 */
export function toSafeName(text: string, maxBytes: number): string {
  let cleaned = '';
  for (const character of graphemes(text.normalize('NFC'))) {
    cleaned += NAME_CHARACTER_START.test(character) ? [...character].filter((c) => NAME_CHARACTER.test(c)).join('') : ' ';
  }
  cleaned = cleaned.replace(/ +/g, ' ').replace(/^[ .]+/, '');
  return cutText(cleaned, { maxBytes }).replace(/[ .]+$/, '');
}
