import { createHash } from 'node:crypto';
import type { DeliverySpec } from '../render/delivery-spec.ts';
import type { Storage } from '../storage/storage.ts';
import { bytesBody } from '../util/bytes-body.ts';

/** Where an EPUB waits for its read-along edition: beside the segment cache, by content (one object per book, however often rendered). */
export const SOURCES_PREFIX = '.sources';

/** Puts the book's EPUB into the render's output storage; the stitch writes the read-along EPUB from it. */
export async function storeReadAlongSource(storage: Storage, epub: Buffer): Promise<NonNullable<DeliverySpec['readAlong']>> {
  const digest = createHash('sha256').update(epub).digest('hex');
  const key = `${SOURCES_PREFIX}/${digest}.epub`;
  if ((await storage.head(key)) === null) await storage.put(key, bytesBody(epub), { contentType: 'application/epub+zip' });
  return { source: key };
}
