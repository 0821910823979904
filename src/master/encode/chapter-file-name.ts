/**
 * Names of a split book's files: `NN - Title.ext`, numbered from 01 with as many digits as the
 * count needs (at least two, so they sort), the title made safe on every common file system.
 */

/** Leaves room for the number, the separator and the extension inside the usual 255-byte name limit. */
const MAX_TITLE_BYTES = 200;

/** Unsafe on Windows or macOS, or a path separator anywhere; control characters never belong in a name. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;

/** Cuts to at most `max` UTF-8 bytes without splitting a character. */
function cutToBytes(text: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > max) break;
    out += char;
    bytes += size;
  }
  return out;
}

/**
 * The title as a file-name part: unsafe characters become spaces, runs of spaces one, no dots
 * or spaces at either end (Windows drops trailing ones; a leading dot hides the file), NFC so
 * macOS and Linux agree on the bytes. Empty when nothing is left.
 */
export function safeFileTitle(title: string): string {
  const cleaned = title.normalize('NFC').replace(UNSAFE, ' ').replace(/\s+/g, ' ');
  return cutToBytes(cleaned.replace(/^[\s.]+/, ''), MAX_TITLE_BYTES).replace(/[\s.]+$/, '');
}

export function chapterFileName(index: number, count: number, title: string, extension: string): string {
  const width = Math.max(2, String(count).length);
  const number = String(index + 1).padStart(width, '0');
  const safe = safeFileTitle(title);
  return `${number} - ${safe === '' ? `Chapter ${index + 1}` : safe}.${extension}`;
}
