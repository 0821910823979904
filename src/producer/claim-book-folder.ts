import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Storage } from '../storage/storage.ts';

/** The hash of claimed folder names, by output: field `<output>\n<folder>`, value the render id. */
export function folderClaimsKey(prefix: string): string {
  return `${prefix}:book-folders`;
}

/** Suffixes tried after the plain name: longer and longer slices of a hash of the render id. */
const SUFFIX_LENGTHS = [4, 6, 8, 12, 16];

/**
 * The render's folder under `output`: the book's slug when no other render holds it, else the
 * slug and a short suffix from the render id ("the-sample-book-4f2a"). A name is held by a
 * claim in Redis (HSETNX: two renders of one book enqueued at once never share a folder) and,
 * for folders written before the claims (or after Redis lost them), by files already there.
 * The same render asking again gets its own claim back.
 */
export async function claimBookFolder(
  redis: Redis,
  prefix: string,
  options: { output: string; slug: string; renderId: string; storage?: Storage | undefined },
): Promise<string> {
  const hash = createHash('sha256').update(options.renderId).digest('hex');
  const candidates = [options.slug, ...SUFFIX_LENGTHS.map((length) => `${options.slug}-${hash.slice(0, length)}`)];
  for (const folder of candidates) {
    const field = `${options.output}\n${folder}`;
    const won = await redis.hsetnx(folderClaimsKey(prefix), field, options.renderId);
    if (won === 0 && (await redis.hget(folderClaimsKey(prefix), field)) !== options.renderId) continue;
    if (won === 1 && options.storage !== undefined && (await holdsAnything(options.storage, folder))) {
      // Not ours after all: kept, the claim would hand this render the folder with the old files
      // the next time it asks (a retried enqueue), though it was given a suffixed one now.
      await releaseBookFolder(redis, prefix, { output: options.output, folder, renderId: options.renderId });
      continue;
    }
    return folder;
  }
  // Five hash slices all taken means a broken claims hash, not bad luck: the id itself is unique.
  return `${options.slug}-${options.renderId}`;
}

/** Gives a claim back (an enqueue that did not happen); a claim held by another render stays. */
export async function releaseBookFolder(
  redis: Redis,
  prefix: string,
  options: { output: string; folder: string; renderId: string },
): Promise<void> {
  const field = `${options.output}\n${options.folder}`;
  if ((await redis.hget(folderClaimsKey(prefix), field)) === options.renderId) await redis.hdel(folderClaimsKey(prefix), field);
}

async function holdsAnything(storage: Storage, folder: string): Promise<boolean> {
  for await (const object of storage.list(folder, { pageSize: 1 })) {
    if (object.key.startsWith(`${folder}/`)) return true;
  }
  return false;
}
