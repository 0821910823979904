import { assertSafeKey } from '../storage/storage-key.ts';
import type { Storage } from '../storage/storage.ts';
import { HttpError } from './http-error.ts';

/** The storage key of a finished render's audio, from the location the stitcher recorded. */
export function audioKeyOf(storage: Storage, location: string): string {
  const base = `${storage.url}/`;
  if (!location.startsWith(base)) {
    throw new HttpError(500, 'AUDIO_LOCATION_MISMATCH', `the render's audio (${location}) is not under its output (${storage.url})`);
  }
  return assertSafeKey(location.slice(base.length));
}

/** A time-limited GET URL for the object, when the storage can sign one (S3); undefined otherwise. */
export async function presignedAudioUrl(
  storage: Storage,
  key: string,
  ttlSeconds: number,
  downloadName: string,
): Promise<string | undefined> {
  return storage.presignGet?.(key, { ttlSeconds, filename: downloadName });
}
