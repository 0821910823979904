import type { BookCover } from '../book/book.ts';
import type { MetadataTags } from '../book/metadata-tags.ts';
import { MAX_COVER_BYTES, type CoverImage } from '../master/encode/cover-image.ts';
import type { RawDelivery } from './delivery-options.ts';

/** The caller's delivery fields, with the book's own title, author, narrator, language and year where one is unset. */
export function withBookTags<T extends RawDelivery>(raw: T, book: MetadataTags): T {
  const merged = { ...raw };
  if (merged.title === undefined && book.title !== undefined) merged.title = book.title;
  if (merged.author === undefined && book.author !== undefined) merged.author = book.author;
  if (merged.narrator === undefined && book.narrator !== undefined) merged.narrator = book.narrator;
  if (merged.language === undefined && book.language !== undefined) merged.language = book.language;
  if (merged.year === undefined && book.year !== undefined) merged.year = book.year;
  return merged;
}

/**
 * A book's own cover, when it is one the encoders take (JPEG or PNG, at most 8 MiB); else none,
 * with the reason for the caller to say: a book is worth rendering without its cover, and the
 * caller can give another.
 */
export function usableBookCover(cover: BookCover | undefined): { cover?: Pick<CoverImage, 'bytes' | 'mime'>; skipped?: string } {
  if (cover === undefined) return {};
  if ((cover.contentType === 'image/jpeg' || cover.contentType === 'image/png') && cover.bytes.length <= MAX_COVER_BYTES)
    return { cover: { bytes: cover.bytes, mime: cover.contentType } };
  return {
    skipped: `the book's cover ${cover.source} (${cover.contentType}, ${cover.bytes.length} bytes) is not a JPEG or PNG of at most 8 MiB; rendering without it`,
  };
}
