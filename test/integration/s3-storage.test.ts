import { randomBytes, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Storage } from '../../src/storage/s3-storage.ts';
import type { S3StorageOptions } from '../../src/storage/s3-storage.ts';
import { StorageError } from '../../src/storage/storage-error.ts';
import { startS3Server } from '../support/s3-server.ts';
import type { S3TestServer } from '../support/s3-server.ts';
import { bodyOf, chunksOf, describeStorageContract, expectSameBytes, failingBody, readAll } from '../support/storage-contract.ts';

const MIB = 1024 * 1024;

let server: S3TestServer;
const opened: S3Storage[] = [];

beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  await Promise.all(opened.map((storage) => storage.close()));
  await server?.stop();
});

/** The smallest part the server takes: s3rver has no floor; MinIO, like S3, wants 5 MiB. */
function smallestPart(wanted: number): Partial<S3StorageOptions> & { partSizeBytes: number } {
  return server.kind === 's3rver' ? { partSizeBytes: wanted, allowSmallParts: true } : { partSizeBytes: 5 * MIB };
}

/** An S3Storage on the test server under a fresh prefix. */
function openTestStorage(overrides: Partial<S3StorageOptions> = {}): S3Storage {
  const storage = new S3Storage({
    bucket: server.bucket,
    prefix: `test-${randomUUID()}`,
    region: server.region,
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: server.credentials,
    // s3rver answers AbortMultipartUpload with 405; MinIO aborts properly.
    leavePartsOnError: server.kind === 's3rver',
    ...overrides,
  });
  opened.push(storage);
  return storage;
}

interface SentCommand {
  command: string;
  partNumber?: number;
  bytes?: number;
}

/** Records every command the storage's client sends (and, for parts, their sizes) as the server confirms it. */
function recordCommands(storage: S3Storage): SentCommand[] {
  const sent: SentCommand[] = [];
  storage.client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { PartNumber?: number; Body?: unknown };
      const body = input.Body instanceof Uint8Array ? input.Body : undefined;
      sent.push({
        command: context.commandName ?? 'unknown',
        ...(input.PartNumber === undefined ? {} : { partNumber: input.PartNumber }),
        ...(body === undefined ? {} : { bytes: body.byteLength }),
      });
      return result;
    },
    { step: 'initialize', name: 'recordCommandsForTest' },
  );
  return sent;
}

/** HeadObject straight to the server, past S3Storage: is there an object at the full key? */
async function rawObjectExists(storage: S3Storage, key: string): Promise<boolean> {
  const client = new S3Client({ region: server.region, endpoint: server.endpoint, forcePathStyle: true, credentials: server.credentials });
  try {
    await client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: `${storage.prefix}/${key}` }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  } finally {
    client.destroy();
  }
}

// Small parts make the contract's 3 MiB object a multipart upload without megabytes of test data.
describeStorageContract('S3Storage', () => Promise.resolve(openTestStorage({ ...smallestPart(MIB), queueSize: 2 })));

describe('S3Storage against a real S3 server', () => {
  it('uploads 12 MiB as three parts of 5, 5 and 2 MiB and reads it back byte-identical', async () => {
    const storage = openTestStorage({ partSizeBytes: 5 * MIB });
    const sent = recordCommands(storage);
    const bytes = randomBytes(12 * MIB);
    const info = await storage.put('book/audio.mp3', bodyOf(...chunksOf(bytes, 256 * 1024)), { contentType: 'audio/mpeg' });

    expect(info).toEqual({ size: 12 * MIB });
    const parts = sent.filter((entry) => entry.command === 'UploadPartCommand').sort((a, b) => (a.partNumber ?? 0) - (b.partNumber ?? 0));
    expect(parts).toEqual([
      { command: 'UploadPartCommand', partNumber: 1, bytes: 5 * MIB },
      { command: 'UploadPartCommand', partNumber: 2, bytes: 5 * MIB },
      { command: 'UploadPartCommand', partNumber: 3, bytes: 2 * MIB },
    ]);
    expect(sent.map((entry) => entry.command)).not.toContain('PutObjectCommand');
    expect(sent.at(-1)?.command).toBe('CompleteMultipartUploadCommand');

    expect(await storage.head('book/audio.mp3')).toEqual({ size: 12 * MIB });
    expectSameBytes(await readAll(storage.get('book/audio.mp3')), bytes, 'the 12 MiB object read back');
    // A range across the boundary between parts 1 and 2.
    const across = await readAll(storage.get('book/audio.mp3', { start: 5 * MIB - 100, end: 5 * MIB + 100 }));
    expectSameBytes(across, bytes.subarray(5 * MIB - 100, 5 * MIB + 100), 'a range across parts 1 and 2');
    expect(await rawObjectExists(storage, 'book/audio.mp3')).toBe(true);
    await storage.delete('book/audio.mp3');
    expect(await storage.head('book/audio.mp3')).toBeNull();
  });

  it('keeps every part but the last the same size, whatever the chunk sizes of the body', async () => {
    const small = smallestPart(256 * 1024);
    const storage = openTestStorage({ ...small, queueSize: 3 });
    const sent = recordCommands(storage);
    const bytes = randomBytes(8 * small.partSizeBytes + 12345);
    // Odd chunk sizes that never line up with a part boundary.
    const chunks: Uint8Array[] = [];
    for (let offset = 0, size = 1; offset < bytes.byteLength; offset += size, size = (size * 7 + 3) % 90_001) {
      chunks.push(bytes.subarray(offset, offset + size));
    }
    await storage.put('odd.bin', bodyOf(...chunks));
    const sizes = sent
      .filter((entry) => entry.command === 'UploadPartCommand')
      .sort((a, b) => (a.partNumber ?? 0) - (b.partNumber ?? 0))
      .map((entry) => entry.bytes);
    expect(sizes).toEqual([...Array<number>(8).fill(small.partSizeBytes), 12345]);
    expectSameBytes(await readAll(storage.get('odd.bin')), bytes, 'the odd-chunked object read back');
    await storage.delete('odd.bin');
    // Small parts were allowed for that upload only: lib-storage's own floor is back.
    expect(() => new Upload({ client: storage.client, params: { Bucket: server.bucket, Key: 'x', Body: 'x' }, partSize: 1024 })).toThrow(
      /EntityTooSmall/,
    );
  });

  it('uploads a deferred header’s part 1 last, every other part but the last the same size', async () => {
    const small = smallestPart(256 * 1024);
    const storage = openTestStorage({ ...small, queueSize: 2 });
    const sent = recordCommands(storage);
    const header = randomBytes(1000);
    const body = randomBytes(5 * small.partSizeBytes + 777);
    const chunks: Uint8Array[] = [];
    for (let offset = 0, size = 1; offset < body.byteLength; offset += size, size = (size * 7 + 3) % 90_001) {
      chunks.push(body.subarray(offset, offset + size));
    }
    await storage.putWithDeferredHeader('deferred.mp3', header.byteLength, bodyOf(...chunks), () => header, { contentType: 'audio/mpeg' });
    const parts = sent.filter((entry) => entry.command === 'UploadPartCommand');
    expect(parts.at(-1)?.partNumber, 'part 1 goes up last, once the header is known').toBe(1);
    const sizes = [...parts].sort((a, b) => (a.partNumber ?? 0) - (b.partNumber ?? 0)).map((entry) => entry.bytes);
    expect(sizes).toEqual([...Array<number>(5).fill(small.partSizeBytes), header.byteLength + 777]);
    expect(sent.map((entry) => entry.command)).toContain('CompleteMultipartUploadCommand');
    expectSameBytes(await readAll(storage.get('deferred.mp3')), Buffer.concat([header, body]), 'header then body');
    await storage.delete('deferred.mp3');
  });

  it('uploads a deferred-header object of one and a half parts as two parts, part 1 full and last', async () => {
    const small = smallestPart(256 * 1024);
    const storage = openTestStorage(small);
    const sent = recordCommands(storage);
    const header = randomBytes(300);
    const body = randomBytes(small.partSizeBytes + small.partSizeBytes / 2);
    await storage.putWithDeferredHeader('one-and-a-half.mp3', header.byteLength, bodyOf(...chunksOf(body, 64 * 1024)), () => header);
    const parts = sent.filter((entry) => entry.command === 'UploadPartCommand');
    expect(parts.map((entry) => [entry.partNumber, entry.bytes])).toEqual([
      [2, header.byteLength + small.partSizeBytes / 2],
      [1, small.partSizeBytes],
    ]);
    expectSameBytes(await readAll(storage.get('one-and-a-half.mp3')), Buffer.concat([header, body]), 'header then body');
    await storage.delete('one-and-a-half.mp3');
  });

  it('sends a deferred-header object smaller than one part as a single PutObject', async () => {
    const storage = openTestStorage(smallestPart(MIB));
    const sent = recordCommands(storage);
    const body = randomBytes(100_000);
    await storage.putWithDeferredHeader('single.mp3', 10, bodyOf(body), () => new Uint8Array(10).fill(7));
    expect(sent.map((entry) => entry.command)).toEqual(['PutObjectCommand']);
    expectSameBytes(await readAll(storage.get('single.mp3')), Buffer.concat([new Uint8Array(10).fill(7), body]), 'header then body');
    await storage.delete('single.mp3');
  });

  it.each([true, false])(
    'leaves no object when a deferred-header body throws after parts were sent (leavePartsOnError %s)',
    async (leavePartsOnError) => {
      const small = smallestPart(256 * 1024);
      const storage = openTestStorage({ ...small, leavePartsOnError });
      const sent = recordCommands(storage);
      const cut = new Error('segment cut after 4 parts');
      const body = failingBody(chunksOf(randomBytes(4 * small.partSizeBytes + 100), 64 * 1024), cut);
      const error: unknown = await storage
        .putWithDeferredHeader('cut/deferred.mp3', 16, body, () => new Uint8Array(16))
        .catch((caught: unknown) => caught);
      expect(error).toBe(cut);
      expect(
        sent.some((entry) => entry.command === 'UploadPartCommand'),
        'parts 2.. went up before the cut',
      ).toBe(true);
      expect(sent.map((entry) => entry.command)).not.toContain('CompleteMultipartUploadCommand');
      expect(await rawObjectExists(storage, 'cut/deferred.mp3')).toBe(false);
    },
  );

  it.each([true, false])(
    'leaves no object when the body throws after part 1 was sent (leavePartsOnError %s), and reports the body’s error',
    async (leavePartsOnError) => {
      const storage = openTestStorage({ partSizeBytes: 5 * MIB, leavePartsOnError });
      const sent = recordCommands(storage);
      const cut = new Error('provider stream cut after 7 MiB');
      const error: unknown = await storage
        .put('cut/audio.mp3', failingBody(chunksOf(randomBytes(7 * MIB), MIB), cut))
        .catch((caught: unknown) => caught);

      // With leavePartsOnError false on s3rver the abort itself fails (405): the body's error still wins.
      expect(error).toBe(cut);
      expect(sent.filter((entry) => entry.command === 'UploadPartCommand').map((entry) => entry.partNumber)).toEqual([1]);
      expect(sent.map((entry) => entry.command)).not.toContain('CompleteMultipartUploadCommand');
      expect(await storage.head('cut/audio.mp3')).toBeNull();
      expect(await rawObjectExists(storage, 'cut/audio.mp3')).toBe(false);
    },
  );

  it('streams: it never reads far ahead of what the server has confirmed', async () => {
    const small = smallestPart(512 * 1024);
    const partSize = small.partSizeBytes;
    const queueSize = 2;
    const storage = openTestStorage({ ...small, queueSize });
    let confirmed = 0;
    storage.client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const body = (args.input as { Body?: unknown }).Body;
        if (context.commandName === 'UploadPartCommand' && body instanceof Uint8Array) confirmed += body.byteLength;
        return result;
      },
      { step: 'initialize', name: 'countConfirmedBytes' },
    );
    let pulled = 0;
    let maxAhead = 0;
    const total = 24 * partSize;
    async function* lazyBody(): AsyncGenerator<Uint8Array> {
      const chunk = 128 * 1024;
      while (pulled < total) {
        await Promise.resolve();
        pulled += chunk;
        maxAhead = Math.max(maxAhead, pulled - confirmed);
        yield randomBytes(chunk);
      }
    }
    expect(await storage.put('streamed.bin', lazyBody())).toEqual({ size: total });
    console.error(
      `[s3 streaming] body read at most ${(maxAhead / MIB).toFixed(2)} MiB ahead of confirmed parts (part ${partSize / MIB} MiB, queue ${queueSize})`,
    );
    // The parts in flight, the part being filled, and a chunk or two of read-ahead; never the body.
    expect(maxAhead).toBeLessThanOrEqual((queueSize + 2) * partSize);
    await storage.delete('streamed.bin');
  });

  it('stores under its prefix and keeps the content type', async () => {
    const storage = openTestStorage();
    await storage.put('typed.mp3', bodyOf(Buffer.from('ID3')), { contentType: 'audio/mpeg' });
    expect(storage.url).toBe(`s3://${server.bucket}/${storage.prefix}`);
    const client = new S3Client({
      region: server.region,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: server.credentials,
    });
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: `${storage.prefix}/typed.mp3` }));
      expect(head.ContentType).toBe('audio/mpeg');
      expect(head.ContentLength).toBe(3);
    } finally {
      client.destroy();
    }
    await storage.delete('typed.mp3');
  });

  it('turns a server refusal into a StorageError that says what failed', async () => {
    const storage = openTestStorage({ bucket: 'no-such-bucket-here' });
    const error: unknown = await storage.put('a.bin', bodyOf(Buffer.from('x'))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: 'STORAGE_FAILED', operation: 'put', retryable: false, httpStatus: 404, value: 'a.bin' });
    expect((error as StorageError).message).toContain('s3://no-such-bucket-here/');
    expect((error as StorageError).message).toContain('NoSuchBucket');
  });

  it('never shows credentials in errors, even when the server echoes the key id back', async () => {
    const credentials = { accessKeyId: 'AKIAWRONGKEY0000TEST', secretAccessKey: 'wrong-secret-value-for-test' };
    const storage = openTestStorage({ credentials });
    const failures: unknown[] = [
      await storage.head('a.bin').catch((caught: unknown) => caught),
      await storage.put('a.bin', bodyOf(Buffer.from('x'))).catch((caught: unknown) => caught),
      await readAll(storage.get('a.bin')).catch((caught: unknown) => caught),
    ];
    for (const error of failures) {
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).httpStatus).toBe(403);
      const printed = `${String(error)} ${inspect(error, { depth: 10 })} ${JSON.stringify(error)}`;
      expect(printed).not.toContain(credentials.accessKeyId);
      expect(printed).not.toContain(credentials.secretAccessKey);
    }
  });
});
