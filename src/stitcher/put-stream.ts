import type { ObjectInfo, Storage } from '../storage/storage.ts';

/**
 * storage.put, but when the body itself failed (a segment turned out bad or changed half-way)
 * that error reaches the caller, not whatever wrapper the storage turned it into.
 */
export function putStream(storage: Storage, key: string, body: AsyncIterable<Uint8Array>, contentType: string): Promise<ObjectInfo> {
  return putGuarded(body, (guarded) => storage.put(key, guarded, { contentType }));
}

/** storage.putWithDeferredHeader, with the body's own error reaching the caller as putStream's does. */
export function putStreamWithHeader(
  storage: Storage,
  key: string,
  headerSize: number,
  body: AsyncIterable<Uint8Array>,
  finalHeader: () => Promise<Uint8Array> | Uint8Array,
  contentType: string,
): Promise<ObjectInfo> {
  return putGuarded(body, (guarded) => storage.putWithDeferredHeader(key, headerSize, guarded, finalHeader, { contentType }));
}

async function putGuarded(
  body: AsyncIterable<Uint8Array>,
  put: (guarded: AsyncIterable<Uint8Array>) => Promise<ObjectInfo>,
): Promise<ObjectInfo> {
  let bodyFailed = false;
  let bodyError: unknown;
  async function* guarded(): AsyncGenerator<Uint8Array> {
    try {
      yield* body;
    } catch (error) {
      bodyFailed = true;
      bodyError = error;
      throw error;
    }
  }
  try {
    return await put(guarded());
  } catch (error) {
    if (bodyFailed) throw bodyError;
    throw error;
  }
}
