import { TtsBatchError } from '../../src/errors/tts-batch-error.ts';
import { checkHeaderSize, takeFinalHeader } from '../../src/storage/deferred-header.ts';
import { assertSafePrefix } from '../../src/storage/storage-key.ts';
import type { ListedObject, ObjectInfo, Storage } from '../../src/storage/storage.ts';

export interface MemoryStorageOptions {
  /** get() hands objects out in chunks of this many bytes (small sizes exercise chunk boundaries). */
  chunkSize?: number;
}

/**
 * Storage held in a Map, for tests. put is atomic like the real ones: the key appears only
 * after the body finished without throwing.
 */
export class MemoryStorage implements Storage {
  readonly url = 'memory://test';
  readonly objects = new Map<string, Uint8Array>();
  readonly contentTypes = new Map<string, string>();
  /** When each object was last written (tests may set it to age an object). */
  readonly modified = new Map<string, Date>();
  chunkSize: number;

  constructor(options: MemoryStorageOptions = {}) {
    this.chunkSize = options.chunkSize ?? 64 * 1024;
  }

  /** Stores bytes directly (test setup). */
  set(key: string, bytes: Uint8Array, lastModified = new Date()): void {
    this.objects.set(key, bytes);
    this.modified.set(key, lastModified);
  }

  head(key: string): Promise<ObjectInfo | null> {
    const object = this.objects.get(key);
    return Promise.resolve(object === undefined ? null : { size: object.length });
  }

  async put(key: string, body: AsyncIterable<Uint8Array>, options?: { contentType?: string }): Promise<ObjectInfo> {
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const part of body) {
      parts.push(part.slice()); // the producer may reuse its buffers
      size += part.length;
    }
    const whole = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      whole.set(part, offset);
      offset += part.length;
    }
    this.objects.set(key, whole);
    this.modified.set(key, new Date());
    if (options?.contentType !== undefined) this.contentTypes.set(key, options.contentType);
    return { size };
  }

  async putWithDeferredHeader(
    key: string,
    headerSize: number,
    body: AsyncIterable<Uint8Array>,
    finalHeader: () => Promise<Uint8Array> | Uint8Array,
    options?: { contentType?: string },
  ): Promise<ObjectInfo> {
    checkHeaderSize(headerSize);
    const parts: Uint8Array[] = [];
    for await (const part of body) parts.push(part.slice());
    const header = await takeFinalHeader(headerSize, finalHeader);
    return this.put(key, fromParts([header, ...parts]), options);
  }

  get(key: string, range?: { start: number; end?: number }): AsyncIterable<Uint8Array> {
    const chunkSize = this.chunkSize;
    const objects = this.objects;
    return {
      async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
        const object = objects.get(key);
        if (object === undefined) throw new TtsBatchError('NOT_FOUND', `no object at ${key}`, { value: key, retryable: false });
        const start = range?.start ?? 0;
        const end = Math.min(range?.end ?? object.length, object.length);
        for (let offset = start; offset < end; offset += chunkSize) {
          yield await Promise.resolve(object.subarray(offset, Math.min(end, offset + chunkSize)));
        }
      },
    };
  }

  list(prefix: string, _options?: { pageSize?: number }): AsyncIterable<ListedObject> {
    const start = assertSafePrefix(prefix);
    const folder = start === '' ? '' : `${start}/`;
    const found = [...this.objects]
      .filter(([key]) => key.startsWith(folder))
      .map(([key, bytes]) => ({ key, size: bytes.length, lastModified: this.modified.get(key) ?? new Date(0) }));
    return fromParts(found);
  }

  delete(key: string): Promise<void> {
    this.objects.delete(key);
    this.modified.delete(key);
    this.contentTypes.delete(key);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function* fromParts<T>(parts: readonly T[]): AsyncGenerator<T> {
  for (const part of parts) yield await Promise.resolve(part);
}
