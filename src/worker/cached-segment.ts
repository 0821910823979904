import type { Logger } from 'pino';
import { segmentMetaKey } from '../queue/segment-key.ts';
import { segmentObjectKeys } from '../cache/segment-objects.ts';
import type { Storage } from '../storage/storage.ts';
import { readSegmentSidecar } from './segment-sidecar.ts';

/** A segment found in the cache: its size now, and the provider's trace id from its sidecar. */
export interface CachedSegment {
  bytes: number;
  traceId?: string;
  /** Its checks kept a flagged take when it was made (issue 15). */
  flagged?: boolean;
}

/**
 * The segment stored under `key`, when it is there and, if its sidecar recorded a size at
 * synthesis, still that size. A cached file of another size was cut or overwritten since (a
 * WAV or raw PCM cut on a sample frame still parses and would be stitched as shorter audio in
 * every later render): it is evicted with its sidecar and undefined is returned, so the
 * caller synthesizes it anew. A sidecar without `bytes` (written before it was recorded) is
 * trusted as before.
 */
export async function findCachedSegment(
  storage: Storage,
  key: string,
  logger: Logger,
  where: Record<string, unknown>,
): Promise<CachedSegment | undefined> {
  const existing = await storage.head(key);
  if (!existing) return undefined;
  const sidecar = await readSegmentSidecar(storage, segmentMetaKey(key));
  if (sidecar.bytes !== undefined && sidecar.bytes !== existing.size) {
    logger.warn(
      { ...where, key, bytes: existing.size, storedBytes: sidecar.bytes, evicted: 1 },
      'cached segment is not the size stored at synthesis; evicted, synthesizing it again',
    );
    for (const object of segmentObjectKeys(key)) await storage.delete(object);
    return undefined;
  }
  return {
    bytes: existing.size,
    ...(sidecar.traceId === undefined ? {} : { traceId: sidecar.traceId }),
    ...(sidecar.flagged === true ? { flagged: true } : {}),
  };
}
