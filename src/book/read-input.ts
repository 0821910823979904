import { createHash } from 'node:crypto';
import { InputError } from '../errors/input-error.ts';
import type { InputFormat } from './book.ts';
import type { BookInput, InputSource } from './book-input.ts';
import { detectInputFormat } from './detect-format.ts';
import { readEpub } from './epub/read-epub.ts';
import { readHtml } from './html/read-html.ts';
import { readMarkdown } from './markdown/read-markdown.ts';

export interface ReadInputOptions {
  /** The file's name (its extension helps detection; it names the source in the manifest). */
  name: string;
  /** `--input-format`: read as this, whatever the content looks like. */
  format?: InputFormat | undefined;
  /** Markdown and HTML: the heading level that starts a chapter (default: found from the headings). */
  chapterLevel?: number | undefined;
  /** Markdown: speak code blocks and HTML blocks too (default: skipped). */
  speakCode?: boolean | undefined;
}

/**
 * Reads a render's input from its bytes: the format forced, else detected from the content and
 * the name (detect-format.ts); plain text as text, the rest as a Book. Every failure is one
 * InputError naming `file` (or the reader's field), before anything is enqueued.
 */
export async function readInput(bytes: Buffer, options: ReadInputOptions): Promise<BookInput> {
  const format = options.format ?? detectInputFormat(bytes, options.name);
  const source = sourceOf(bytes, options.name, format);
  if (format === 'epub') return { source, kind: 'book', book: await readEpub(bytes) };
  return readText(decodeUtf8(bytes, options.name, format), format, source, options);
}

/**
 * Reads a book given as a string (the API's `text`): kept as it is, so the planner's own checks
 * (lone surrogates, control characters) see exactly what was sent. EPUB is never text.
 */
export function readTextInput(text: string, options: ReadInputOptions): BookInput {
  const format = options.format ?? detectInputFormat(Buffer.from(text.slice(0, 1024), 'utf8'), options.name);
  if (format === 'epub')
    throw new InputError('inputFormat', 'an EPUB is a file: send it as book (base64) or multipart, not as text', format);
  return readText(text, format, sourceOf(Buffer.from(text, 'utf8'), options.name, format), options);
}

function readText(text: string, format: Exclude<InputFormat, 'epub'>, source: InputSource, options: ReadInputOptions): BookInput {
  if (format === 'text') return { source, kind: 'text', text };
  if (format === 'html') return { source, kind: 'book', book: readHtml(text, { chapterLevel: options.chapterLevel }) };
  return {
    source,
    kind: 'book',
    book: readMarkdown(text, { chapterLevel: options.chapterLevel, speakCode: options.speakCode, sourceName: options.name }),
  };
}

/** What the manifest says of the input: its name, the format it was read as, its size and sha256. */
function sourceOf(bytes: Buffer, name: string, format: InputFormat): InputSource {
  return { name, format, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

function decodeUtf8(bytes: Buffer, name: string, format: InputFormat): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(
      'file',
      `is not valid UTF-8 text: ${name} (read as ${format}; an EPUB is read as a book by its content, or say --input-format epub)`,
      name,
    );
  }
}
