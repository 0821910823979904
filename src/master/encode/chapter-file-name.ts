import { toSafeName } from '../../storage/storage-key.ts';

/**
 * Names of a split book's files: `NN - Title.ext`, numbered from 01 with as many digits as the
 * count needs (at least two, so they sort), the title made safe on every common file system
 * and as a storage key (the files go to S3 too).
 */

/** Leaves room for the number, the separator and the extension inside the usual 255-byte name limit. */
const MAX_TITLE_BYTES = 200;

/**
 * The title as a file-name part: characters a storage key cannot hold become spaces, runs of
 * spaces one, no dots or spaces at either end (a leading dot hides the file), NFC so macOS and
 * Linux agree on the bytes. Empty when nothing is left.
 */
export function safeFileTitle(title: string): string {
  return toSafeName(title, MAX_TITLE_BYTES);
}

export function chapterFileName(index: number, count: number, title: string, extension: string): string {
  const width = Math.max(2, String(count).length);
  const number = String(index + 1).padStart(width, '0');
  const safe = safeFileTitle(title);
  return `${number} - ${safe === '' ? `Chapter ${index + 1}` : safe}.${extension}`;
}
