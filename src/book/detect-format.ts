import { extname } from 'node:path';
import { InputError } from '../errors/input-error.ts';
import { INPUT_FORMATS, type InputFormat } from './book.ts';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EPUB_MIMETYPE = 'mimetypeapplication/epub+zip';

const BY_EXTENSION: Readonly<Record<string, InputFormat>> = {
  '.epub': 'epub',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.txt': 'text',
};

/**
 * The format of a book, in this order:
 * 1. Content that can only be one thing: a zip whose first entry is `mimetype` holding
 *    `application/epub+zip` (OCF puts it first, stored, so its name and value sit at byte 30) is
 *    EPUB; text opening (after a BOM, whitespace and comments or an XML declaration) with
 *    `<!doctype html` or `<html` is HTML.
 * 2. The extension: .epub, .md/.markdown, .html/.htm/.xhtml, .txt. Markdown looks like text, so
 *    only its name tells.
 * 3. Otherwise plain text, as before books were read.
 */
export function detectInputFormat(bytes: Buffer, fileName?: string): InputFormat {
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC) && bytes.subarray(30, 30 + EPUB_MIMETYPE.length).toString('latin1') === EPUB_MIMETYPE)
    return 'epub';
  if (looksLikeHtml(bytes.subarray(0, 2048).toString('utf8'))) return 'html';
  const byName = fileName === undefined ? undefined : BY_EXTENSION[extname(fileName).toLowerCase()];
  return byName ?? 'text';
}

function looksLikeHtml(head: string): boolean {
  const start = head
    .replace(/^\uFEFF/u, '')
    .replace(/^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*/u, '')
    .toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html');
}

/** The format a file's name says it holds (.epub, .md, .html, .txt …), or undefined for any other name. */
export function inputFormatOfName(fileName: string): InputFormat | undefined {
  return BY_EXTENSION[extname(fileName).toLowerCase()];
}

/** `--input-format` / `inputFormat`, checked. */
export function parseInputFormat(value: string): InputFormat {
  const format = INPUT_FORMATS.find((known) => known === value.toLowerCase());
  if (format === undefined) throw new InputError('inputFormat', `must be one of ${INPUT_FORMATS.join(', ')}`, value);
  return format;
}
