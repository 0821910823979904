import { InputError } from '../errors/input-error.ts';
import { assertRenderId } from '../render/render-id.ts';
import type { RenderStore } from '../render/render-store.ts';
import { TERMINAL_STATUSES } from '../render/render-record.ts';
import type { Storage } from '../storage/storage.ts';
import { activeRenderKeys } from './active-render-keys.ts';
import { emptyReport, type CacheReport } from './cache-report.ts';
import { findManifestReferences } from './manifest-references.ts';
import { assertSegmentKey, segmentObjectKeys } from './segment-objects.ts';

export type EvictTarget = { render: string } | { key: string };

export interface EvictOptions {
  storage: Storage;
  store: RenderStore;
  target: EvictTarget;
  dryRun?: boolean;
}

/**
 * Removes segment objects (audio and sidecar) from the cache: every segment of one render (the
 * keys its manifest lists, else its Redis record's), or one segment key. A segment a render
 * still in progress uses is refused (InputError): deleting it would make that render pay again
 * or fail its stitch. Other finished renders sharing a segment keep their audio files; a later
 * re-render just synthesizes it again.
 */
export async function evictSegments(options: EvictOptions): Promise<CacheReport> {
  const { storage, store, target } = options;
  const keys = 'render' in target ? await renderSegmentKeys(storage, store, assertRenderId(target.render)) : [assertSegmentKey(target.key)];
  const inUse = await activeRenderKeys(store);
  for (const key of keys) {
    const user = inUse.get(key);
    if (user !== undefined) throw new InputError('key', `segment ${key} is used by render "${user}", which has not ended`, key);
  }
  const report = emptyReport(options.dryRun ?? false);
  for (const key of new Set(keys.flatMap((audioKey) => segmentObjectKeys(audioKey)))) {
    const info = await storage.head(key);
    if (info === null) continue;
    if (!report.dryRun) await storage.delete(key);
    report.deletedObjects += 1;
    report.deletedBytes += info.size;
    report.deleted.push(key);
  }
  report.deleted.sort();
  return report;
}

async function renderSegmentKeys(storage: Storage, store: RenderStore, id: string): Promise<string[]> {
  const state = await store.get(id);
  if (state !== null && !TERMINAL_STATUSES.has(state.status)) {
    throw new InputError('render', `render "${id}" is ${state.status}: cancel it or let it end before evicting its segments`, id);
  }
  const manifest = await findManifestReferences(storage, id, state?.spec.delivery?.folder);
  const keys = manifest?.keys ?? (await store.outline(id))?.segments.map((segment) => segment.key);
  if (keys === undefined) {
    throw new InputError(
      'render',
      `no manifest in ${storage.url} names render "${id}" and no render record for it: its segments are unknown`,
      id,
    );
  }
  return keys.map((key) => assertSegmentKey(key));
}
