import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ConfigError } from '../errors/config-error.ts';
import { NotFoundError } from '../errors/not-found-error.ts';
import type { ByteRange } from './byte-range.ts';
import { checkByteRange } from './byte-range.ts';
import { checkHeaderSize } from './deferred-header.ts';
import { InputError } from '../errors/input-error.ts';
import type { S3ErrorFacts } from './s3-errors.ts';
import { isMissingObject, isRangePastEnd, isRetryableS3Error, readS3Error } from './s3-errors.ts';
import { describeBucketProblem, describePrefixProblem, formatS3Url, trimPrefix } from './s3-location.ts';
import { uploadToS3 } from './s3-upload.ts';
import type { S3UploadSettings } from './s3-upload.ts';
import { StorageError } from './storage-error.ts';
import { assertSafeKey, assertSafePrefix, describePathProblem, quoteForMessage } from './storage-key.ts';
import type { ListedObject, ObjectInfo, Storage } from './storage.ts';
import { contentDisposition } from './content-disposition.ts';

const MIB = 1024 * 1024;
/** S3's floor for every part but the last. */
export const S3_MIN_PART_BYTES = 5 * MIB;
const S3_MAX_PART_BYTES = 5 * 1024 * MIB;
export const DEFAULT_PART_BYTES = 8 * MIB;
export const DEFAULT_QUEUE_SIZE = 4;

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3StorageOptions {
  bucket: string;
  /** Key prefix inside the bucket ('' for the top level); one trailing '/' is ignored. */
  prefix: string;
  region: string;
  /** For S3-compatible servers (MinIO, R2, …); absent means AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Absent: the SDK's default chain (environment, profile, instance role…). */
  credentials?: S3Credentials;
  /**
   * Size of every multipart part but the last (all equal, as Cloudflare R2 requires). Default
   * 8 MiB; 10,000 parts of it cap an object at 78 GiB. At most partSizeBytes × (queueSize + 1) is
   * held in memory per upload.
   */
  partSizeBytes?: number;
  /** Parts uploaded at once. Default 4. */
  queueSize?: number;
  /** Allows parts under S3's 5 MiB floor, for tests on s3rver; S3, R2 and MinIO refuse such parts. */
  allowSmallParts?: boolean;
  /**
   * Leaves the parts of a failed multipart upload in place instead of aborting it (the object
   * never appears either way). For s3rver, which answers the abort with 405; off in the product,
   * where stray parts would be billed until a lifecycle rule removes them.
   */
  leavePartsOnError?: boolean;
  /**
   * Gives up on a request after this long (connecting, then waiting for the answer), and makes
   * one attempt instead of the SDK's three: for the output check before enqueue, which must be
   * quick, and must not leave a socket to an unanswering endpoint behind. Absent: no limit.
   */
  quickFailMs?: number;
}

/**
 * Storage in an S3 bucket under a key prefix. Both writes stream through one upload path
 * (uploadToS3), so the object appears only when the upload completes; a failed upload leaves
 * nothing at the key.
 */
export class S3Storage implements Storage {
  readonly url: string;
  readonly bucket: string;
  readonly prefix: string;
  /** The SDK client, exposed so tests and tools can watch the requests it sends. */
  readonly client: S3Client;
  private readonly partSizeBytes: number;
  private readonly queueSize: number;
  private readonly leavePartsOnError: boolean;
  private readonly secrets: readonly string[];

  constructor(options: S3StorageOptions) {
    const prefix = trimPrefix(options.prefix);
    const problem = describeBucketProblem(options.bucket) ?? describePrefixProblem(prefix);
    if (problem !== undefined) throw new ConfigError(`S3 storage: ${problem}`, formatS3Url({ bucket: options.bucket, prefix }));
    this.bucket = options.bucket;
    this.prefix = prefix;
    this.url = formatS3Url({ bucket: this.bucket, prefix });
    this.partSizeBytes = checkPartSize(options.partSizeBytes ?? DEFAULT_PART_BYTES, options.allowSmallParts ?? false);
    this.queueSize = checkQueueSize(options.queueSize ?? DEFAULT_QUEUE_SIZE);
    this.leavePartsOnError = options.leavePartsOnError ?? false;
    const credentials = options.credentials;
    this.secrets =
      credentials === undefined
        ? []
        : [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken ?? ''].filter((s) => s !== '');
    this.client = new S3Client(clientConfig(options));
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const objectKey = this.objectKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return { size: response.ContentLength ?? 0 };
    } catch (error) {
      const facts = readS3Error(error);
      if (isMissingObject(facts)) return null;
      throw this.failure('head', key, facts);
    }
  }

  async put(key: string, body: AsyncIterable<Uint8Array>, options?: { contentType?: string }): Promise<ObjectInfo> {
    const objectKey = this.objectKey(key);
    return uploadToS3(this.uploadSettings(key, objectKey, options?.contentType), body);
  }

  /** The header's room travels in part 1, which goes up last (see uploadToS3). */
  async putWithDeferredHeader(
    key: string,
    headerSize: number,
    body: AsyncIterable<Uint8Array>,
    finalHeader: () => Promise<Uint8Array> | Uint8Array,
    options?: { contentType?: string },
  ): Promise<ObjectInfo> {
    const objectKey = this.objectKey(key);
    checkHeaderSize(headerSize);
    if (headerSize > this.partSizeBytes) {
      throw new InputError('headerSize', `must fit the first upload part (${this.partSizeBytes} bytes)`, headerSize);
    }
    return uploadToS3(this.uploadSettings(key, objectKey, options?.contentType), body, { headerSize, finalHeader });
  }

  get(key: string, range?: { start: number; end?: number }): AsyncIterable<Uint8Array> {
    // Checked now, not on first read, so a bad call fails where it is made.
    const objectKey = this.objectKey(key);
    return this.read(key, objectKey, checkByteRange(range));
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (error) {
      const facts = readS3Error(error);
      // S3 itself answers 204 for a missing key; some compatible servers say 404.
      if (isMissingObject(facts)) return;
      throw this.failure('delete', key, facts);
    }
  }

  list(prefix: string, options?: { pageSize?: number }): AsyncIterable<ListedObject> {
    const start = assertSafePrefix(prefix);
    const folder = start === '' ? this.prefix : this.objectKey(start);
    return this.listPages(folder === '' ? '' : `${folder}/`, options?.pageSize);
  }

  presignGet(key: string, options: { ttlSeconds: number; filename: string }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.objectKey(key),
      ResponseContentDisposition: contentDisposition(options.filename),
    });
    return getSignedUrl(this.client, command, { expiresIn: options.ttlSeconds });
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }

  /** ListObjectsV2, page by page; keys come back relative to this storage's prefix. */
  private async *listPages(objectPrefix: string, pageSize: number | undefined): AsyncGenerator<ListedObject, void, undefined> {
    const strip = this.prefix === '' ? 0 : this.prefix.length + 1;
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: objectPrefix,
            ...(token === undefined ? {} : { ContinuationToken: token }),
            ...(pageSize === undefined ? {} : { MaxKeys: pageSize }),
          }),
        );
      } catch (error) {
        throw this.failure('list', objectPrefix, readS3Error(error));
      }
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(strip);
        // Folder markers ("a/") and keys made by other tools are no objects of ours.
        if (key === undefined || describePathProblem(key) !== undefined) continue;
        yield { key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  private async *read(key: string, objectKey: string, range: ByteRange): AsyncGenerator<Uint8Array, void, undefined> {
    if (range.end === range.start) {
      // An HTTP range cannot be empty; still say whether the object exists.
      if ((await this.head(key)) === null) throw this.notFound(key);
      return;
    }
    // A whole-object GET sends no Range: S3 answers 416 to "bytes=0-" on an empty object.
    const wholeObject = range.start === 0 && range.end === undefined;
    const rangeHeader = `bytes=${range.start}-${range.end === undefined ? '' : range.end - 1}`;
    let response;
    try {
      response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, ...(wholeObject ? {} : { Range: rangeHeader }) }),
      );
    } catch (error) {
      const facts = readS3Error(error);
      if (isRangePastEnd(facts)) return;
      if (isMissingObject(facts)) throw this.notFound(key);
      throw this.failure('get', key, facts);
    }
    const stream = response.Body;
    if (stream === undefined) return;
    if (!isAsyncIterable(stream)) {
      throw new StorageError(`get ${quoteForMessage(key)} in ${this.url}: the SDK returned a body that is not a stream`, {
        operation: 'get',
        key,
        retryable: false,
      });
    }
    // HTTP lets a server ignore a Range and send the whole object, and s3rver reads "bytes=0-0"
    // as "from 0": cut what arrives down to what was asked for.
    const firstByteSent = wholeObject ? 0 : (firstByteOf(response.ContentRange) ?? 0);
    if (firstByteSent > range.start) {
      throw new StorageError(
        `get ${quoteForMessage(key)} in ${this.url}: asked for bytes from ${range.start}, the server sent from ${firstByteSent}`,
        {
          operation: 'get',
          key,
          retryable: false,
        },
      );
    }
    yield* this.cut(key, stream, range.start - firstByteSent, range.end === undefined ? Number.POSITIVE_INFINITY : range.end - range.start);
  }

  /** Yields `stream` without its first `skip` bytes and stops after `limit` bytes. */
  private async *cut(
    key: string,
    stream: AsyncIterable<unknown>,
    skip: number,
    limit: number,
  ): AsyncGenerator<Uint8Array, void, undefined> {
    const chunks = stream[Symbol.asyncIterator]();
    let finished = false;
    let toSkip = skip;
    let left = limit;
    try {
      while (left > 0) {
        let next: IteratorResult<unknown>;
        try {
          next = await chunks.next();
        } catch (error) {
          throw this.failure('get', key, readS3Error(error));
        }
        if (next.done === true) {
          finished = true;
          return;
        }
        let chunk = next.value as Uint8Array;
        if (toSkip > 0) {
          const skipped = Math.min(toSkip, chunk.byteLength);
          toSkip -= skipped;
          chunk = chunk.subarray(skipped);
        }
        if (chunk.byteLength > left) chunk = chunk.subarray(0, left);
        left -= chunk.byteLength;
        if (chunk.byteLength > 0) yield chunk;
      }
    } finally {
      // A reader that stops early, or a cut before the end, must not leave the connection open.
      if (!finished) await chunks.return?.();
    }
  }

  private objectKey(key: string): string {
    const safe = assertSafeKey(key);
    return this.prefix === '' ? safe : `${this.prefix}/${safe}`;
  }

  private uploadSettings(key: string, objectKey: string, contentType: string | undefined): S3UploadSettings {
    return {
      client: this.client,
      target: { Bucket: this.bucket, Key: objectKey, ...(contentType === undefined ? {} : { ContentType: contentType }) },
      partSizeBytes: this.partSizeBytes,
      queueSize: this.queueSize,
      leavePartsOnError: this.leavePartsOnError,
      storageFailure: (error) => this.failure('put', key, readS3Error(error)),
    };
  }

  private notFound(key: string): NotFoundError {
    return new NotFoundError(`no object at ${quoteForMessage(key)} in ${this.url}`, key);
  }

  /**
   * The SDK's error, retold without credentials. The raw error is not kept as `cause`: S3 copies
   * fields such as AWSAccessKeyId from its error XML onto it, and loggers print causes.
   */
  private failure(operation: string, key: string, facts: S3ErrorFacts): StorageError {
    const status = facts.httpStatus === undefined ? '' : ` (HTTP ${facts.httpStatus})`;
    const request = facts.requestId === undefined ? '' : ` [request ${facts.requestId}]`;
    const message = this.redact(
      `${operation} ${quoteForMessage(key)} in ${this.url} failed: ${facts.name}${status}: ${facts.message}${request}`,
    );
    return new StorageError(message, {
      operation,
      key,
      retryable: isRetryableS3Error(facts),
      backendCode: facts.httpStatus === undefined ? (facts.networkCode ?? facts.name) : facts.name,
      ...(facts.httpStatus === undefined ? {} : { httpStatus: facts.httpStatus }),
    });
  }

  private redact(text: string): string {
    return this.secrets.reduce((result, secret) => result.split(secret).join('[redacted]'), text);
  }
}

function clientConfig(options: S3StorageOptions): S3ClientConfig {
  const config: S3ClientConfig = { region: options.region };
  if (options.endpoint !== undefined) {
    config.endpoint = checkEndpoint(options.endpoint);
    if (!isAwsEndpoint(options.endpoint)) {
      // Compatible servers often mishandle the SDK's default flexible checksums (s3rver stores
      // the aws-chunked framing as the object); send and check them only where an API requires.
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
  }
  if (options.forcePathStyle !== undefined) config.forcePathStyle = options.forcePathStyle;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  if (options.quickFailMs !== undefined) {
    const ms = options.quickFailMs;
    config.maxAttempts = 1;
    config.requestHandler = { connectionTimeout: ms, requestTimeout: ms, throwOnRequestTimeout: true, socketTimeout: ms };
  }
  return config;
}

function checkEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError('S3 endpoint is not a URL');
  }
  // Secrets belong in the credentials, where they are never printed; a URL gets printed.
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError('S3 endpoint must not carry a user name or password; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('S3 endpoint must be http or https', url.protocol);
  return endpoint;
}

function isAwsEndpoint(endpoint: string): boolean {
  const host = URL.parse(endpoint)?.hostname ?? '';
  return host === 'amazonaws.com' || host.endsWith('.amazonaws.com');
}

function checkPartSize(bytes: number, allowSmallParts: boolean): number {
  const floor = allowSmallParts ? 1 : S3_MIN_PART_BYTES;
  if (!Number.isSafeInteger(bytes) || bytes < floor || bytes > S3_MAX_PART_BYTES) {
    throw new ConfigError(`S3 part size must be a whole number of bytes from ${floor} to ${S3_MAX_PART_BYTES}`, bytes);
  }
  return bytes;
}

function checkQueueSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 1 || size > 64) {
    throw new ConfigError('S3 upload queue size must be a whole number from 1 to 64', size);
  }
  return size;
}

/** The first byte of a `Content-Range: bytes 10-19/1000` answer, or undefined when there is none. */
function firstByteOf(contentRange: string | undefined): number | undefined {
  const match = contentRange === undefined ? null : /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(contentRange.trim());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
