/** Where a render's own Redis keys live: beside BullMQ's, under the same prefix. */
/** An Idempotency-Key maps to the render it started, for a day. The key is hashed: it may be anything. */
export function idempotencyKey(prefix: string, hashedKey: string): string {
  return `${prefix}:idempotency:${hashedKey}`;
}

export function renderKeys(prefix: string, id: string) {
  const base = `${prefix}:renders:${id}`;
  return {
    /** Hash: spec (JSON), status, error, startedAt, finishedAt, result (JSON). */
    record: base,
    /** Set of segment indexes done. */
    done: `${base}:done`,
    /** Set of segment indexes served from the cache. */
    cached: `${base}:cached`,
    /** Sorted set of all render ids by creation time. */
    index: `${prefix}:renders`,
    /** Pub/sub channel: {id, status?, segment?, cached?} whenever a render moves (progress, status). */
    events: `${prefix}:render-events`,
  };
}
