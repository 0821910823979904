// What a render reads from disk: the book (readFileBytes) and text beside it, such as a lexicon (readTextFile).
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors/input-error.ts';

/** Reads a file's bytes; a missing or unreadable file is an InputError naming `field`. */
export async function readFileBytes(path: string, field = 'file'): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (code ?? 'unreadable');
    throw new InputError(field, `${why}: ${path}`, path);
  }
}

/** Reads a UTF-8 text file; a missing file or bytes that are not UTF-8 are an InputError. */
export async function readTextFile(path: string, field = 'file'): Promise<string> {
  const bytes = await readFileBytes(path, field);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(field, `is not valid UTF-8 text: ${path}`, path);
  }
}
