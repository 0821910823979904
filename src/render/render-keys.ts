/** Where a render's own Redis keys live: beside BullMQ's, under the same prefix. */
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
  };
}
