import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors/input-error.ts';
import { describeLocation } from '../storage/open-storage.ts';

/**
 * The canonical location of a schedule's library (file:///… or s3://bucket/prefix). A local
 * folder must exist now: a typo would otherwise give nightly runs of an empty library. An S3
 * prefix is listed by the workers, with their credentials, when a run starts.
 */
export async function checkScheduleSource(source: string): Promise<string> {
  let location: string;
  try {
    location = describeLocation(source);
  } catch (error) {
    // describeLocation speaks of an output; this is the source.
    if (error instanceof InputError) throw new InputError('source', error.message.slice(error.field.length + 2), source);
    throw error;
  }
  if (!location.startsWith('file:')) return location;
  const folder = fileURLToPath(location);
  const info = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    throw new InputError('source', `${error.code === 'ENOENT' ? 'no such folder' : (error.code ?? 'unreadable')}: ${folder}`, source);
  });
  if (!info.isDirectory()) throw new InputError('source', `is not a folder: ${folder}`, source);
  return location;
}
