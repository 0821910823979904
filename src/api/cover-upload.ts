import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors/input-error.ts';
import { decodeBase64Field } from './base64-field.ts';
import { readCover, type CoverImage } from '../master/encode/cover-image.ts';

/**
 * The API's `cover` (base64) checked exactly as the CLI's --cover file is: JPEG or PNG by its
 * bytes, at most 8 MiB, decodable. A bad cover is refused (field `cover`) before anything is enqueued.
 */
export async function coverFromBase64(base64: string): Promise<CoverImage> {
  const bytes = decodeBase64Field('cover', base64, 'a JPEG or PNG');
  const folder = await mkdtemp(join(tmpdir(), 'tts-batch-cover-'));
  try {
    const path = join(folder, 'cover');
    await writeFile(path, bytes);
    return await readCover(path, undefined).catch((error: unknown) => {
      if (error instanceof InputError)
        throw new InputError('cover', error.message.slice(error.field.length + 2).replaceAll(path, 'the cover'), '(base64)');
      throw error;
    });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
