import { InputError } from '../errors/input-error.ts';
import type { RenderStore } from '../render/render-store.ts';
import type { ListedObject, Storage } from '../storage/storage.ts';
import { activeRenderKeys } from './active-render-keys.ts';
import { emptyReport, type CacheReport } from './cache-report.ts';
import { isManifestKey, readManifestReferences } from './manifest-references.ts';
import { audioKeyOfSidecar, isSegmentAudioKey, SEGMENTS_PREFIX } from './segment-objects.ts';

const DAY_MS = 24 * 3600 * 1000;
export const MAX_UNUSED_DAYS = 36_500;

export interface PruneOptions {
  storage: Storage;
  store: RenderStore;
  /** Segments neither written nor referenced by a manifest within this many days go. */
  unusedDays: number;
  dryRun?: boolean;
  now?: Date;
}

/** `--unused-days` / `unusedDays`: a positive number of days; InputError otherwise. */
export function checkUnusedDays(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_UNUSED_DAYS) {
    throw new InputError('unusedDays', `must be a number of days > 0 and ≤ ${MAX_UNUSED_DAYS}`, value);
  }
  return value;
}

/**
 * Deletes segment objects (audio and sidecar) that no manifest younger than `unusedDays`
 * references and that are themselves older than that. A render in progress keeps its segments
 * twice over: every segment it writes is new (younger than the cutoff), and every key its Redis
 * record lists (including old cached segments it reuses) is kept. The render records are read
 * after the storage listing, right before deleting, so a render enqueued during the listing is
 * seen. A young manifest that predates segment keys protects its whole provider folder.
 */
export async function pruneSegments(options: PruneOptions): Promise<CacheReport> {
  const unusedDays = checkUnusedDays(options.unusedDays);
  const { storage } = options;
  const cutoff = (options.now ?? new Date()).getTime() - unusedDays * DAY_MS;
  const segments: ListedObject[] = [];
  const youngManifests: string[] = [];
  for await (const object of storage.list('')) {
    if (object.key.startsWith(`${SEGMENTS_PREFIX}/`)) segments.push(object);
    else if (isManifestKey(object.key) && object.lastModified.getTime() >= cutoff) youngManifests.push(object.key);
  }
  const referenced = new Set<string>();
  const protectedProviders = new Set<string>();
  for (const key of youngManifests) {
    const references = await readManifestReferences(storage, key);
    if (references === null) continue;
    if (references.keys === null) protectedProviders.add(references.provider);
    else for (const segmentKey of references.keys) referenced.add(segmentKey);
  }
  for (const key of (await activeRenderKeys(options.store)).keys()) referenced.add(key);

  const audio = new Map(segments.filter((object) => isSegmentAudioKey(object.key)).map((object) => [object.key, object]));
  const report = emptyReport(options.dryRun ?? false);
  const doomed: ListedObject[] = [];
  for (const object of segments) {
    const audioKey = isSegmentAudioKey(object.key) ? object.key : audioKeyOfSidecar(object.key);
    // A sidecar goes with its audio (it is written after it, so it may be a little younger).
    const written = (audioKey === undefined ? undefined : audio.get(audioKey)) ?? object;
    const keep =
      audioKey === undefined ||
      referenced.has(audioKey) ||
      protectedProviders.has(audioKey.split('/')[1] ?? '') ||
      written.lastModified.getTime() >= cutoff;
    if (keep) {
      report.keptObjects += 1;
      report.keptBytes += object.size;
    } else {
      doomed.push(object);
    }
  }
  for (const object of doomed) {
    if (!report.dryRun) await storage.delete(object.key);
    report.deletedObjects += 1;
    report.deletedBytes += object.size;
    report.deleted.push(object.key);
  }
  report.deleted.sort();
  return report;
}
