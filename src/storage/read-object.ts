import { TtsBatchError } from '../errors/tts-batch-error.ts';
import type { Storage } from './storage.ts';

/**
 * The whole object at `key` in memory, for the small ones read whole (sidecars, timings,
 * manifests, reports, a source book). NotFoundError comes through as storage.get throws it.
 * With `maxBytes`, a larger object stops the read with a TtsBatchError `code` (default
 * OBJECT_TOO_LARGE) naming the key and the limit, before it is all held.
 */
export async function readObject(storage: Storage, key: string, limit?: { maxBytes: number; code?: string }): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of storage.get(key)) {
    size += chunk.byteLength;
    if (limit !== undefined && size > limit.maxBytes)
      throw new TtsBatchError(limit.code ?? 'OBJECT_TOO_LARGE', `${key} is larger than ${limit.maxBytes} bytes`, {
        retryable: false,
        value: key,
      });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
