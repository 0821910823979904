import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertSafeKey } from '../storage/storage-key.ts';
import type { Storage } from '../storage/storage.ts';
import { S3Storage } from '../storage/s3-storage.ts';
import { HttpError } from './http-error.ts';

/** The storage key of a finished render's audio, from the location the stitcher recorded. */
export function audioKeyOf(storage: Storage, location: string): string {
  const base = `${storage.url}/`;
  if (!location.startsWith(base)) {
    throw new HttpError(500, 'AUDIO_LOCATION_MISMATCH', `the render's audio (${location}) is not under its output (${storage.url})`);
  }
  return assertSafeKey(location.slice(base.length));
}

/** A time-limited GET URL for the object, when the storage is S3; undefined otherwise. */
export async function presignedAudioUrl(storage: Storage, key: string, ttlSeconds: number, downloadName: string): Promise<string | undefined> {
  if (!(storage instanceof S3Storage)) return undefined;
  const objectKey = storage.prefix === '' ? key : `${storage.prefix}/${key}`;
  const command = new GetObjectCommand({
    Bucket: storage.bucket,
    Key: objectKey,
    ResponseContentDisposition: `inline; filename="${downloadName}"`,
  });
  return getSignedUrl(storage.client, command, { expiresIn: ttlSeconds });
}
