import type { BookInput } from '../book/book-input.ts';
import { checkReadAlongSource } from '../book/read-along/write-read-along.ts';
import { InputError } from '../errors/input-error.ts';

/**
 * The EPUB a read-along is made from, checked before anything is billed: the input must be an
 * EPUB 3 (its pages get the sentence marks, its package the overlays). Undefined when no
 * read-along was asked for.
 */
export async function readAlongEpub(asked: boolean | undefined, input: BookInput, bytes: Buffer): Promise<Buffer | undefined> {
  if (asked !== true) return undefined;
  const format = input.kind === 'book' ? input.book.format : 'text';
  if (format !== 'epub')
    throw new InputError('readAlong', `needs an EPUB input (its pages carry the read-along); this input reads as ${format}`, format);
  await checkReadAlongSource(bytes);
  return bytes;
}
