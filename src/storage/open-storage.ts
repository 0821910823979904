import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CoreConfig } from '../config/core-config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { InputError } from '../errors/input-error.ts';
import { LocalStorage } from './local-storage.ts';
import type { S3Location } from './s3-location.ts';
import { formatS3Url, parseS3Url } from './s3-location.ts';
import type { S3Credentials } from './s3-storage.ts';
import { S3Storage } from './s3-storage.ts';
import type { Storage } from './storage.ts';
import { quoteForMessage } from './storage-key.ts';

type ResolvedLocation = ({ kind: 's3' } & S3Location) | { kind: 'local'; folder: string };

/** A URL scheme of two letters or more, so a Windows drive ("C:/") still reads as a path. */
const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):\/\//;

/**
 * Opens the storage a user named: `s3://bucket/optional/prefix` (endpoint, region, path style
 * and keys from the config; without keys the SDK's default chain), or a local folder given as a
 * path (relative to the working directory) or a `file://` URL. Throws InputError (field 'output')
 * for a location that cannot be used. `tuning.quickFailMs`: see S3StorageOptions (the output check uses it).
 */
export function openStorage(location: string, config: CoreConfig, tuning: { quickFailMs?: number } = {}): Storage {
  const resolved = resolveLocation(location);
  if (resolved.kind === 'local') return new LocalStorage(resolved.folder);
  const credentials = credentialsFrom(config);
  return new S3Storage({
    bucket: resolved.bucket,
    prefix: resolved.prefix,
    region: config.S3_REGION,
    ...(config.S3_ENDPOINT === undefined ? {} : { endpoint: config.S3_ENDPOINT }),
    ...(config.S3_FORCE_PATH_STYLE === undefined ? {} : { forcePathStyle: config.S3_FORCE_PATH_STYLE }),
    ...(credentials === undefined ? {} : { credentials }),
    ...(tuning.quickFailMs === undefined ? {} : { quickFailMs: tuning.quickFailMs }),
  });
}

/**
 * The one spelling of a location (`file:///absolute/folder` or `s3://bucket/prefix`), equal to the
 * `url` of the storage `openStorage` gives for it: use it to compare or record locations.
 */
export function describeLocation(location: string): string {
  const resolved = resolveLocation(location);
  return resolved.kind === 's3' ? formatS3Url(resolved) : pathToFileURL(resolved.folder).href;
}

function resolveLocation(location: string): ResolvedLocation {
  if (typeof location !== 'string' || location === '') throw new InputError('output', 'is empty', location);
  if (location.includes('\0')) throw new InputError('output', 'contains a NUL character', location);
  const scheme = URL_SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme === 's3') {
    const parsed = parseS3Url(location);
    // Quoted and shortened: the location is the user's, and may be a megabyte long.
    if (typeof parsed === 'string') throw new InputError('output', `${quoteForMessage(location)} ${parsed}`, location);
    return { kind: 's3', ...parsed };
  }
  if (scheme === 'file') return { kind: 'local', folder: folderFromFileUrl(location) };
  if (scheme !== undefined) {
    // Most likely a typo or another cloud: making a local folder named "gs:" would hide that.
    throw new InputError('output', `unsupported scheme "${scheme}://"; use a folder path, a file:// URL or s3://bucket/prefix`, location);
  }
  return { kind: 'local', folder: path.resolve(location) };
}

function folderFromFileUrl(location: string): string {
  try {
    return path.resolve(fileURLToPath(location));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError('output', `${location} is not a usable file:// URL (${reason})`, location);
  }
}

function credentialsFrom(config: CoreConfig): S3Credentials | undefined {
  const accessKeyId = config.AWS_ACCESS_KEY_ID;
  const secretAccessKey = config.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    // Half a pair would silently fall back to the SDK chain and use some other identity.
    const missing = accessKeyId === undefined ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY';
    throw new ConfigError(`${missing} is not set, but its partner is: set both or neither`);
  }
  return { accessKeyId, secretAccessKey };
}
