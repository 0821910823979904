import type { RenderStore } from '../render/render-store.ts';
import { TERMINAL_STATUSES } from '../render/render-record.ts';

/**
 * Segment keys of every render that has not ended, from the Redis render outlines (each
 * lists its segments' keys from the moment the render is enqueued): a render in progress may reuse a
 * cached segment of any age, so these are never pruned or evicted.
 */
export async function activeRenderKeys(store: RenderStore): Promise<Map<string, string>> {
  const used = new Map<string, string>();
  for (const id of await store.allIds()) {
    const state = await store.get(id);
    if (state === null || TERMINAL_STATUSES.has(state.status)) continue;
    const outline = await store.outline(id);
    for (const segment of outline?.segments ?? []) used.set(segment.key, id);
  }
  return used;
}
