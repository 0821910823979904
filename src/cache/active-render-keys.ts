import type { RenderStore } from '../render/render-store.ts';
import { TERMINAL_STATUSES } from '../render/render-record.ts';

/**
 * Segment keys of every render that has not ended, from the Redis render records (their spec
 * lists each segment's key from the moment they are enqueued): a render in progress may reuse a
 * cached segment of any age, so these are never pruned or evicted.
 */
export async function activeRenderKeys(store: RenderStore): Promise<Map<string, string>> {
  const used = new Map<string, string>();
  for (const id of await store.allIds()) {
    const state = await store.get(id);
    if (state === null || TERMINAL_STATUSES.has(state.status)) continue;
    for (const segment of state.spec.segments) used.set(segment.key, id);
  }
  return used;
}
