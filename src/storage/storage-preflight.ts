import { randomBytes } from 'node:crypto';
import { bytesBody } from '../util/bytes-body.ts';
import { StorageError } from './storage-error.ts';
import { StoragePreflightError } from './storage-preflight-error.ts';
import type { Storage } from './storage.ts';

export const DEFAULT_PREFLIGHT_TIMEOUT_MS = 5000;

/**
 * Proves a storage takes writes before a render is enqueued: writes a tiny probe object at its
 * root and deletes it again (a local folder is created on the way). Settings that can never work
 * (no credentials, a 403, no such bucket, an endpoint that does not answer) are found in at most
 * `timeoutMs`, instead of after every retry of the first segment. Throws StoragePreflightError.
 * The caller closes the storage, which also ends a request still hanging at the deadline.
 */
export async function preflightStorage(storage: Storage, timeoutMs: number = DEFAULT_PREFLIGHT_TIMEOUT_MS): Promise<void> {
  // Random, so two renders checking one output at once never delete each other's probe.
  const key = `.tts-batch-preflight-${randomBytes(6).toString('hex')}`;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new StoragePreflightError(storage.url, `no answer within ${timeoutMs} ms (endpoint unreachable or too slow)`, { retryable: true }),
      );
    }, timeoutMs);
  });
  try {
    await Promise.race([probe(storage, key), deadline]);
  } catch (error) {
    if (error instanceof StoragePreflightError) throw error;
    if (error instanceof StorageError) throw explain(storage.url, error);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function probe(storage: Storage, key: string): Promise<void> {
  await storage.put(key, bytesBody('tts-batch preflight: safe to delete\n'), { contentType: 'text/plain' });
  await storage.delete(key);
}

const REASONS: Readonly<Record<string, string>> = {
  CredentialsProviderError:
    'no S3 credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give the process a profile or role)',
  InvalidAccessKeyId: 'the server does not know this access key (InvalidAccessKeyId); check AWS_ACCESS_KEY_ID',
  SignatureDoesNotMatch: 'the secret key does not match the access key (SignatureDoesNotMatch); check AWS_SECRET_ACCESS_KEY',
  AccessDenied: 'access denied (AccessDenied): these credentials may not write under this prefix',
  NoSuchBucket: 'no such bucket (NoSuchBucket)',
  ECONNREFUSED: 'endpoint unreachable (connection refused); check S3_ENDPOINT',
  ENOTFOUND: 'endpoint unreachable (host not found); check S3_ENDPOINT',
  EAI_AGAIN: 'endpoint unreachable (name lookup failed); check S3_ENDPOINT',
  ETIMEDOUT: 'endpoint unreachable (timed out); check S3_ENDPOINT',
  EHOSTUNREACH: 'endpoint unreachable (no route to host); check S3_ENDPOINT',
  ENETUNREACH: 'endpoint unreachable (network unreachable); check S3_ENDPOINT',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'permission denied (EPERM)',
  EROFS: 'the file system is read-only (EROFS)',
  ENOTDIR: 'a part of the path is a file, not a folder (ENOTDIR)',
  EEXIST: 'a part of the path is a file, not a folder (EEXIST)',
  ENOSPC: 'the disk is full (ENOSPC)',
};

/** One line naming the cause; the backend's own message only where no plain reason is known. */
function explain(output: string, error: StorageError): StoragePreflightError {
  const code = error.backendCode;
  const known = code === undefined ? undefined : REASONS[code];
  const status = error.httpStatus === undefined ? '' : ` (HTTP ${error.httpStatus})`;
  const reason = known === undefined ? `${detailOf(error.message)}${status}` : `${known}${status}`;
  return new StoragePreflightError(output, reason, {
    retryable: error.retryable,
    ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
    ...(code === undefined ? {} : { backendCode: code }),
    cause: error,
  });
}

/** The storage's message after its "<operation> <key> in <url> failed: " preamble, which names the probe. */
function detailOf(message: string): string {
  const at = message.indexOf(' failed: ');
  return at === -1 ? message : message.slice(at + ' failed: '.length);
}
