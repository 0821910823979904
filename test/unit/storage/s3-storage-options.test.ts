import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/config-error.ts';
import { isRetryableS3Error, readS3Error } from '../../../src/storage/s3-errors.ts';
import { S3Storage } from '../../../src/storage/s3-storage.ts';
import type { S3StorageOptions } from '../../../src/storage/s3-storage.ts';
import { StorageError } from '../../../src/storage/storage-error.ts';
import { bodyOf, thrownBy } from '../../support/storage-contract.ts';

const MIB = 1024 * 1024;
const base: S3StorageOptions = { bucket: 'my-bucket', prefix: 'renders/', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000' };

describe('S3Storage options', () => {
  it('names itself s3://bucket/prefix, without the trailing slash', async () => {
    const storage = new S3Storage(base);
    expect(storage.url).toBe('s3://my-bucket/renders');
    expect(storage.prefix).toBe('renders');
    await storage.close();
  });

  it.each([
    [{ partSizeBytes: 5 * MIB - 1 }, /part size/],
    [{ partSizeBytes: 5 * 1024 * MIB + 1 }, /part size/],
    [{ partSizeBytes: 6.5 * MIB + 0.5 }, /part size/],
    [{ partSizeBytes: 0, allowSmallParts: true }, /part size/],
    [{ queueSize: 0 }, /queue size/],
    [{ bucket: 'Not_A_Bucket' }, /bucket name/],
    [{ prefix: 'a/../b' }, /"\.\." segment/],
    [{ endpoint: 'ftp://host' }, /http or https/],
    [{ endpoint: 'not a url' }, /not a URL/],
  ] as [Partial<S3StorageOptions>, RegExp][])('refuses %j with a ConfigError', (override, problem) => {
    const error = thrownBy(() => new S3Storage({ ...base, ...override }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(problem);
  });

  it('accepts parts under 5 MiB only when told to', async () => {
    const storage = new S3Storage({ ...base, partSizeBytes: 64 * 1024, allowSmallParts: true });
    expect(storage.url).toBe('s3://my-bucket/renders');
    await storage.close();
  });

  it('refuses credentials inside the endpoint URL without repeating them', () => {
    const error = thrownBy(() => new S3Storage({ ...base, endpoint: 'http://AKIAEXAMPLE:hunter2secret@127.0.0.1:9000' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toMatch(/hunter2secret|AKIAEXAMPLE/);
  });

  it('reports an unreachable server as a retryable StorageError', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const storage = new S3Storage({
      ...base,
      endpoint: 'http://127.0.0.1:1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    });
    const error: unknown = await storage.put('a.bin', bodyOf(Buffer.from('x'))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ operation: 'put', retryable: true });
    expect((error as StorageError).message).toMatch(/ECONNREFUSED/);
    await storage.close();
  });
});

describe('S3 error reading', () => {
  it.each([
    [{ name: 'SlowDown', message: 'Please reduce your request rate.', $metadata: { httpStatusCode: 503 } }, true],
    [{ name: 'InternalError', message: 'We encountered an internal error.', $metadata: { httpStatusCode: 500 } }, true],
    [
      {
        name: 'RequestTimeout',
        message: 'Your socket connection to the server was not read from or written to',
        $metadata: { httpStatusCode: 400 },
      },
      true,
    ],
    [{ name: 'TooManyRequests', message: '', $metadata: { httpStatusCode: 429 } }, true],
    [{ name: 'AccessDenied', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }, false],
    [{ name: 'NoSuchBucket', message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } }, false],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    [Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }), true],
    [new Error('Exceeded 10000 parts in multipart upload'), false],
    ['a string thrown by someone', false],
  ])('%j → retryable %s', (error, retryable) => {
    expect(isRetryableS3Error(readS3Error(error))).toBe(retryable);
  });
});
