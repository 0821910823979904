import type { BookMetadata } from './book.ts';
import { collapseWhitespace } from '../util/collapse-whitespace.ts';

/** The tags a book's own metadata gives a render, for the fields the user left unset. */
export interface MetadataTags {
  title?: string;
  author?: string;
  narrator?: string;
  language?: string;
  year?: number;
}

/**
 * Title, authors (joined by ", " as retailers show several), narrator, language and the year
 * of the date (`2026-11-03` → 2026) from what the book says about itself. Flags and API fields
 * win over these: the caller spreads its own values after them.
 */
export function metadataTags(metadata: BookMetadata): MetadataTags {
  const year = /^(\d{4})/u.exec(metadata.date ?? '')?.[1];
  const authors = (metadata.creators ?? []).map((name) => nonEmpty(name)).filter((name) => name !== undefined);
  const tags: MetadataTags = {};
  const title = nonEmpty(metadata.title);
  const narrator = nonEmpty(metadata.narrator);
  const language = nonEmpty(metadata.language);
  if (title !== undefined) tags.title = title;
  if (authors.length > 0) tags.author = authors.join(', ');
  if (narrator !== undefined) tags.narrator = narrator;
  if (language !== undefined) tags.language = language;
  if (year !== undefined) tags.year = Number(year);
  return tags;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value === undefined ? undefined : collapseWhitespace(value);
  return trimmed === '' ? undefined : trimmed;
}
