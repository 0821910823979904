import type { ObjectInfo, Storage } from '../storage/storage.ts';

/**
 * storage.put, but when the body itself failed (a segment turned out bad or changed half-way)
 * that error reaches the caller, not whatever wrapper the storage turned it into.
 */
export async function putStream(storage: Storage, key: string, body: AsyncIterable<Uint8Array>, contentType: string): Promise<ObjectInfo> {
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
    return await storage.put(key, guarded(), { contentType });
  } catch (error) {
    if (bodyFailed) throw bodyError;
    throw error;
  }
}
