import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, opendir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NotFoundError } from '../errors/not-found-error.ts';
import type { ByteRange } from './byte-range.ts';
import { checkByteRange } from './byte-range.ts';
import { checkHeaderSize, takeFinalHeader } from './deferred-header.ts';
import { TEMP_FILE_NAME } from './stale-temp-files.ts';
import { blockingCalls, threadpoolCalls, type TempFile } from './local-file-calls.ts';
import { isLocalFileSystem } from './local-file-system.ts';
import { afterBlockingCall } from '../util/blocking-slice.ts';
import { StorageError } from './storage-error.ts';
import { assertSafeKey, assertSafePrefix, describePathProblem, quoteForMessage } from './storage-key.ts';
import type { ListedObject, ObjectInfo, Storage } from './storage.ts';

const READ_CHUNK_BYTES = 64 * 1024;
/** Objects up to this size are read by readSmall. */
const SMALL_OBJECT_BYTES = 64 * 1024;
/** Leaves room for the dot, the random part and ".part" within the usual 255-byte name limit. */
const TEMP_NAME_STEM_CHARS = 200;

/**
 * Storage in a local folder. Keys become paths under `root` (created on first write). Writes go
 * to a temp file beside the target and are renamed onto it, so readers see all or nothing.
 */
export class LocalStorage implements Storage {
  readonly url: string;
  readonly root: string;
  /** Whether the calls below may block (see blockingCalls); undefined until the file system is known. */
  private blockingMode: boolean | undefined;
  private detecting: Promise<void> | undefined;

  /**
   * `blockingCalls`: make stats, reads of objects up to 64 KiB and a put's open, writes, close and
   * rename as blocking calls, leaving only its fsyncs to the threadpool (local-file-calls.ts).
   * Default: once the root is known to be on a local file system (isLocalFileSystem, asked on
   * first use; the threadpool until it answers). Each threadpool round trip costs the event loop
   * tens of microseconds on a small machine, while the blocking call itself takes a few: a join of
   * a thousand 768-byte segments spent ~110 ms of its ~150 ms on them. Never on a network file
   * system, where each call is a round trip that would hold the event loop.
   */
  constructor(root: string, options: { blockingCalls?: boolean } = {}) {
    this.root = path.resolve(root);
    this.url = pathToFileURL(this.root).href;
    this.blockingMode = options.blockingCalls;
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const file = this.pathOf(key);
    try {
      const info = this.blocking() ? await statBlocking(file) : await stat(file);
      // A folder made for deeper keys is not an object.
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw this.failure('head', key, error);
    }
  }

  /** `contentType` is not kept: a file's type comes from its name. */
  put(key: string, body: AsyncIterable<Uint8Array>, _options?: { contentType?: string }): Promise<ObjectInfo> {
    return this.write(key, 0, body, null);
  }

  /** Reserves the header's bytes with zeros, streams the body, then writes the header in place. */
  async putWithDeferredHeader(
    key: string,
    headerSize: number,
    body: AsyncIterable<Uint8Array>,
    finalHeader: () => Promise<Uint8Array> | Uint8Array,
    _options?: { contentType?: string },
  ): Promise<ObjectInfo> {
    this.pathOf(key);
    return await this.write(key, checkHeaderSize(headerSize), body, finalHeader);
  }

  private async write(
    key: string,
    headerSize: number,
    body: AsyncIterable<Uint8Array>,
    finalHeader: (() => Promise<Uint8Array> | Uint8Array) | null,
  ): Promise<ObjectInfo> {
    const file = this.pathOf(key);
    const folder = path.dirname(file);
    const temp = path.join(folder, tempNameFor(path.basename(file)));
    const calls = this.blocking() ? blockingCalls : threadpoolCalls;
    const handle = await this.step('put', key, () => calls.openTemp(folder, temp));
    let handleOpen = true;
    let size = headerSize;
    try {
      if (headerSize > 0) await this.step('put', key, () => handle.write(new Uint8Array(headerSize)));
      // Small chunks (a provider's stream comes in hundreds of bytes) are gathered into one
      // write; each is copied, so a body that reuses its buffer after a yield is safe.
      const staged = new StagedWrites(handle);
      for await (const chunk of body) {
        await this.step('put', key, () => staged.write(chunk));
        size += chunk.byteLength;
      }
      await this.step('put', key, () => staged.flush());
      if (finalHeader !== null) {
        const header = await takeFinalHeader(headerSize, finalHeader);
        await this.step('put', key, () => handle.write(header, 0));
      }
      await this.step('put', key, () => handle.sync());
      handleOpen = false;
      await this.step('put', key, () => handle.close());
      await this.step('put', key, () => calls.rename(temp, file));
    } catch (error) {
      // A body error or a write error: the caller gets it unchanged, and no trace is left behind.
      if (handleOpen) await handle.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
    await calls.syncFolder(folder);
    return { size };
  }

  get(key: string, range?: { start: number; end?: number }): AsyncIterable<Uint8Array> {
    // Checked now, not on first read, so a bad call fails where it is made.
    const file = this.pathOf(key);
    return this.read(key, file, checkByteRange(range));
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await unlink(file);
    } catch (error) {
      // Deleting what is not there is done, as on S3.
      if (isMissing(error) || errorCode(error) === 'EISDIR') return;
      throw this.failure('delete', key, error);
    }
  }

  list(prefix: string, _options?: { pageSize?: number }): AsyncIterable<ListedObject> {
    const start = assertSafePrefix(prefix);
    return this.walk(start === '' ? [] : start.split('/'));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Depth first; temp files of writes in progress and names no key could have are skipped. */
  private async *walk(segments: readonly string[]): AsyncGenerator<ListedObject, void, undefined> {
    const folder = path.join(this.root, ...segments);
    const where = segments.join('/');
    let entries;
    try {
      entries = await opendir(folder);
    } catch (error) {
      if (isMissing(error)) return;
      throw this.failure('list', where, error);
    }
    for await (const entry of entries) {
      const key = [...segments, entry.name].join('/');
      if (entry.isDirectory()) {
        if (describePathProblem(key) === undefined) yield* this.walk([...segments, entry.name]);
        continue;
      }
      if (!entry.isFile() || TEMP_FILE_NAME.test(entry.name) || describePathProblem(key) !== undefined) continue;
      let info;
      try {
        info = await stat(path.join(folder, entry.name));
      } catch (error) {
        // Deleted between the listing and the stat: it is gone, so it is not listed.
        if (isMissing(error)) continue;
        throw this.failure('list', key, error);
      }
      yield { key, size: info.size, lastModified: info.mtime };
    }
  }

  private async *read(key: string, file: string, range: ByteRange): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.blocking()) {
      let small: Uint8Array | undefined;
      try {
        small = this.readSmall(key, file, range);
      } finally {
        await afterBlockingCall();
      }
      if (small !== undefined) {
        if (small.byteLength > 0) yield small;
        return;
      }
    }
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (isMissing(error)) throw this.notFound(key);
      throw this.failure('get', key, error);
    }
    try {
      const info = await this.step('get', key, () => handle.stat());
      if (!info.isFile()) throw this.notFound(key);
      let position = range.start;
      // Objects are whole once renamed into place: reading stops at the size stat found, without
      // the extra read that would find the end.
      const stop = Math.min(range.end ?? Number.POSITIVE_INFINITY, info.size);
      while (position < stop) {
        const want = Math.min(READ_CHUNK_BYTES, stop - position);
        const buffer = Buffer.allocUnsafe(want);
        const { bytesRead } = await this.step('get', key, () => handle.read(buffer, 0, want, position));
        if (bytesRead === 0) return;
        position += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * An object of at most SMALL_OBJECT_BYTES (a short segment, a sidecar) read in four blocking
   * calls, or undefined for a larger one (left to the threadpool, where its reads outweigh the
   * round trips). One small read at a time holds the event loop, and afterBlockingCall lets it
   * turn between them.
   */
  private readSmall(key: string, file: string, range: ByteRange): Uint8Array | undefined {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (error) {
      if (isMissing(error)) throw this.notFound(key);
      throw this.failure('get', key, error);
    }
    try {
      const info = fstatSync(fd);
      if (!info.isFile()) throw this.notFound(key);
      if (info.size > SMALL_OBJECT_BYTES) return undefined;
      const start = Math.min(range.start, info.size);
      const stop = Math.min(range.end ?? Number.POSITIVE_INFINITY, info.size);
      const buffer = Buffer.allocUnsafe(Math.max(0, stop - start));
      let filled = 0;
      while (filled < buffer.byteLength) {
        const bytesRead = readSync(fd, buffer, filled, buffer.byteLength - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } catch (error) {
      if (error instanceof NotFoundError) throw error;
      throw this.failure('get', key, error);
    } finally {
      closeSync(fd);
    }
  }

  private blocking(): boolean {
    if (this.blockingMode !== undefined) return this.blockingMode;
    this.detecting ??= isLocalFileSystem(this.root).then(
      (local) => {
        this.blockingMode ??= local;
      },
      () => {
        this.blockingMode ??= false;
      },
    );
    return false;
  }

  private pathOf(key: string): string {
    // Safe keys have no "..", no absolute part and no backslash: the join stays under root.
    return path.join(this.root, ...assertSafeKey(key).split('/'));
  }

  /** Runs one file-system call, turning its failure into a StorageError. */
  private async step<T>(operation: string, key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.failure(operation, key, error);
    }
  }

  private notFound(key: string): NotFoundError {
    return new NotFoundError(`no object at ${quoteForMessage(key)} in ${this.url}`, key);
  }

  private failure(operation: string, key: string, error: unknown): StorageError {
    const code = errorCode(error) ?? 'unknown';
    const detail = error instanceof Error ? error.message : String(error);
    return new StorageError(`${operation} ${quoteForMessage(key)} in ${this.url} failed: ${detail}`, {
      operation,
      key,
      // Running out of descriptors or being interrupted can pass; a full disk or a denied folder will not.
      retryable: code === 'EMFILE' || code === 'ENFILE' || code === 'EAGAIN' || code === 'EINTR' || code === 'EBUSY',
      backendCode: code,
      cause: error,
    });
  }
}

/** A stat as a blocking call (a local file system's: microseconds), then a turn of the event loop when due. */
async function statBlocking(file: string): Promise<Stats> {
  try {
    return statSync(file);
  } finally {
    // A missing key too: checking many keys that are not there is as long a run.
    await afterBlockingCall();
  }
}

/** Random bytes drawn a batch at a time: one small draw per put was a measurable share of a segment's CPU. */
const RANDOM_BATCH = 6 * 512;
let randomPool = Buffer.alloc(0);
let randomAt = RANDOM_BATCH;

function tempNameFor(name: string): string {
  if (randomAt + 6 > randomPool.byteLength) {
    randomPool = randomBytes(RANDOM_BATCH);
    randomAt = 0;
  }
  const random = randomPool.toString('hex', randomAt, randomAt + 6);
  randomAt += 6;
  return `.${name.slice(0, TEMP_NAME_STEM_CHARS)}.${random}.part`;
}

const STAGE_BYTES = 64 * 1024;

/** Appends chunks to a file, gathering small ones (copied) into one write of up to STAGE_BYTES. */
class StagedWrites {
  readonly #handle: TempFile;
  #parts: Buffer[] = [];
  #staged = 0;

  constructor(handle: TempFile) {
    this.#handle = handle;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.#staged + chunk.byteLength > STAGE_BYTES) await this.flush();
    if (chunk.byteLength >= STAGE_BYTES) {
      await this.#handle.write(chunk);
      return;
    }
    this.#parts.push(Buffer.from(chunk));
    this.#staged += chunk.byteLength;
  }

  async flush(): Promise<void> {
    const parts = this.#parts;
    if (parts.length === 0) return;
    const data = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, this.#staged);
    this.#parts = [];
    this.#staged = 0;
    await this.#handle.write(data);
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/** ENOTDIR: a key's parent segment is a file, so the key cannot exist either. */
function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
