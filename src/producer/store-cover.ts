import { createHash } from 'node:crypto';
import type { CoverImage } from '../master/encode/cover-image.ts';
import type { DeliverySpec } from '../render/delivery-spec.ts';
import type { Storage } from '../storage/storage.ts';
import { bytesBody } from '../util/bytes-body.ts';

/** Where covers wait for the stitch: beside the segment cache, by content (the same cover twice is one object). */
export const COVERS_PREFIX = '.covers';

/** Puts the checked cover into the render's output storage; the stitch copies it into the book's folder. */
export async function storeCover(storage: Storage, cover: Pick<CoverImage, 'bytes' | 'mime'>): Promise<NonNullable<DeliverySpec['cover']>> {
  const digest = createHash('sha256').update(cover.bytes).digest('hex');
  const key = `${COVERS_PREFIX}/${digest}.${cover.mime === 'image/png' ? 'png' : 'jpg'}`;
  if ((await storage.head(key)) === null) await storage.put(key, bytesBody(cover.bytes), { contentType: cover.mime });
  return { key, contentType: cover.mime };
}
