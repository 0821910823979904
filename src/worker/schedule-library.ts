import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputFormatOfName } from '../book/detect-format.ts';
import type { Storage } from '../storage/storage.ts';
import { readObject } from '../storage/read-object.ts';

/** A book file found in a schedule's source. */
export interface LibraryBook {
  /** Its key under the source, e.g. "fiction/moby-dick.epub". */
  path: string;
  size: number;
}

/**
 * The books of a source: every file whose name says it is a book (.txt .md .markdown .html .htm
 * .xhtml .epub, as read-input reads them), by path; everything else is counted, not read. When
 * the output lies inside the source (a library rendered into a folder of its own), nothing under
 * the output is a book: a read-along EPUB written there would otherwise be rendered next night.
 */
export async function listLibrary(source: Storage, output: string): Promise<{ books: LibraryBook[]; otherFiles: number }> {
  const skip = outputInside(source.url, output);
  const books: LibraryBook[] = [];
  let otherFiles = 0;
  for await (const object of source.list('')) {
    if (skip !== undefined && (skip === '' || object.key.startsWith(`${skip}/`))) continue;
    const name = object.key.split('/').at(-1) ?? '';
    // Hidden files (.DS_Store, editors' swap files, the cache's .segments/) are nobody's book.
    if (name.startsWith('.') || object.key.split('/').some((part) => part.startsWith('.')) || inputFormatOfName(name) === undefined) {
      otherFiles += 1;
      continue;
    }
    books.push({ path: object.key, size: object.size });
  }
  books.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { books, otherFiles };
}

/** A book's bytes and their sha256 (hex). */
export async function readBook(source: Storage, key: string): Promise<{ bytes: Buffer; sha256: string }> {
  const bytes = await readObject(source, key);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The output's key prefix under the source ('' when they are the same place), or undefined when it is elsewhere. */
function outputInside(source: string, output: string): string | undefined {
  if (source.startsWith('file:') && output.startsWith('file:')) {
    const relative = path.relative(fileURLToPath(source), fileURLToPath(output));
    if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  }
  if (source.startsWith('s3://') && output.startsWith('s3://')) {
    if (output === source) return '';
    return output.startsWith(`${source}/`) ? output.slice(source.length + 1) : undefined;
  }
  return undefined;
}
