import { createHash } from 'node:crypto';

/** Where a render's own Redis keys live: beside BullMQ's, under the same prefix. */
/** An Idempotency-Key maps to the render it started, for a day. The key is hashed: it may be anything. */
export function idempotencyKey(prefix: string, hashedKey: string): string {
  return `${prefix}:idempotency:${hashedKey}`;
}

/** How long a finished enqueue's Idempotency-Key keeps answering with its render. */
export const IDEMPOTENCY_KEEP_MS = 24 * 3600 * 1000;

/** The Redis key holding the claim of a client's Idempotency-Key. */
export function idempotencyRedisKey(prefix: string, clientKey: string): string {
  return idempotencyKey(prefix, createHash('sha256').update(clientKey).digest('hex'));
}

export function renderKeys(prefix: string, id: string) {
  const base = `${prefix}:renders:${id}`;
  return {
    /** Hash: spec (JSON), status, error, startedAt, finishedAt, result (JSON), charsDone. */
    record: base,
    /** String: the chapter and segment lists (RenderOutline JSON), read by the stitch only. */
    outline: `${base}:outline`,
    /** Set of segment indexes done. */
    done: `${base}:done`,
    /** Set of segment indexes served from the cache. */
    cached: `${base}:cached`,
    /** Sorted set of all render ids by creation time. */
    index: `${prefix}:renders`,
    /** Sorted set of renders whose enqueue has not finished, by deadline (see enqueue-ledger.ts). */
    enqueuing: `${prefix}:enqueuing`,
    /** Pub/sub channel: {id, status?, segment?, cached?, chars?} whenever a render moves (progress, status). */
    events: `${prefix}:render-events`,
  };
}
