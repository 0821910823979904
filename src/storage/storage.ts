export interface ObjectInfo {
  size: number;
}

/** One object found by `list`. */
export interface ListedObject {
  /** The full key, as head/get/delete take it. */
  key: string;
  size: number;
  lastModified: Date;
}

/**
 * Where segment audio, finished renders and manifests live. Keys are relative POSIX paths
 * ("renders/abc/audio.mp3"); an implementation maps them under its own root.
 * Every method refuses an unsafe key (storage-key.ts: segments of [A-Za-z0-9._-], no "." or "..")
 * with InputError (field 'key'); backend failures are StorageError (code STORAGE_FAILED, `retryable`).
 */
export interface Storage {
  /** Where this storage points, for messages and manifests (file:///abs/dir or s3://bucket/prefix). */
  readonly url: string;
  /** Size of the object, or null when there is none. */
  head(key: string): Promise<ObjectInfo | null>;
  /**
   * Writes the whole body. Atomic: the object appears at `key` only once every byte is written;
   * if the body throws or the write fails, nothing (not even a partial object) is left at `key`.
   */
  put(key: string, body: AsyncIterable<Uint8Array>, options?: { contentType?: string }): Promise<ObjectInfo>;
  /**
   * Writes `finalHeader()` followed by the body, for files whose header is only known once the
   * body has gone by (an MP3's tag and Info frame), without reading the body twice. The header's
   * size is fixed up front; `finalHeader` is called once, after the body is fully drained, and must
   * return exactly `headerSize` bytes, else the put fails with InputError (field 'headerSize').
   * Atomic exactly like put: on any failure nothing is left at `key`.
   */
  putWithDeferredHeader(
    key: string,
    headerSize: number,
    body: AsyncIterable<Uint8Array>,
    finalHeader: () => Promise<Uint8Array> | Uint8Array,
    options?: { contentType?: string },
  ): Promise<ObjectInfo>;
  /**
   * Streams the object, or the byte range [start, end) of it. Throws NotFound-coded TtsBatchError
   * (NotFoundError) when absent. A range is clamped to the object: one that starts at or past the
   * end yields no bytes. A malformed range (negative, fractional, end < start) and an unsafe key
   * throw InputError at the call, before any iteration.
   */
  get(key: string, range?: { start: number; end?: number }): AsyncIterable<Uint8Array>;
  /**
   * Every object under the folder `prefix` (a safe key, or '' for the whole storage), at any
   * depth, in no particular order. Writes still in progress are not listed (they are not objects
   * yet). `pageSize` is how many keys one backend call asks for (S3 ListObjectsV2), a test seam.
   * An unsafe prefix throws InputError (field 'prefix') at the call.
   */
  list(prefix: string, options?: { pageSize?: number }): AsyncIterable<ListedObject>;
  /** Removes the object; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  /**
   * A URL that lets anyone GET the object, without credentials, for `ttlSeconds`, served inline
   * under `filename`. Only storages that can sign such URLs (S3) have it; the others stream
   * through their reader instead. An unsafe key throws InputError.
   */
  presignGet?(key: string, options: { ttlSeconds: number; filename: string }): Promise<string>;
  close(): Promise<void>;
}
