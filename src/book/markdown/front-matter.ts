import { parse as parseYaml } from 'yaml';
import { InputError } from '../../errors/input-error.ts';
import type { BookMetadata } from '../book.ts';

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/u;

/**
 * YAML front matter (`---` … `---` at the very start), read as the book's metadata and never
 * spoken: title, author or authors (a name or a list), narrator, language or lang, publisher,
 * date, identifier or isbn. Other keys are ignored; YAML that does not parse is an InputError.
 */
export function splitFrontMatter(markdown: string): { metadata: BookMetadata; body: string; lines: number } {
  const match = FRONT_MATTER.exec(markdown);
  if (match === null) return { metadata: {}, body: markdown, lines: 0 };
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? '');
  } catch (error) {
    throw new InputError(
      'file',
      `front matter: not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
      undefined,
    );
  }
  const fields = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' || typeof value === 'number'
      ? String(value).trim() || undefined
      : value instanceof Date
        ? value.toISOString().slice(0, 10)
        : undefined;
  const metadata: BookMetadata = {};
  const title = text(fields.title);
  if (title !== undefined) metadata.title = title;
  const authors = fields.authors ?? fields.author;
  const creators = (Array.isArray(authors) ? authors : [authors]).map(text).filter((name) => name !== undefined);
  if (creators.length > 0) metadata.creators = creators;
  const narrator = text(fields.narrator);
  if (narrator !== undefined) metadata.narrator = narrator;
  const language = text(fields.language ?? fields.lang);
  if (language !== undefined) metadata.language = language;
  const publisher = text(fields.publisher);
  if (publisher !== undefined) metadata.publisher = publisher;
  const date = text(fields.date);
  if (date !== undefined) metadata.date = date;
  const identifier = text(fields.identifier ?? fields.isbn);
  if (identifier !== undefined) metadata.identifier = identifier;
  return { metadata, body: markdown.slice(match[0].length), lines: match[0].split('\n').length - 1 };
}
