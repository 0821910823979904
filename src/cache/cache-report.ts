/** What an eviction or a prune removed (or, on a dry run, would remove). */
export interface CacheReport {
  dryRun: boolean;
  /** Objects removed: segment audio and sidecars. */
  deletedObjects: number;
  deletedBytes: number;
  /** Segment objects looked at and left in place (prune only; 0 for evict). */
  keptObjects: number;
  keptBytes: number;
  /** The removed keys (audio and sidecars), sorted. */
  deleted: string[];
}

export function emptyReport(dryRun: boolean): CacheReport {
  return { dryRun, deletedObjects: 0, deletedBytes: 0, keptObjects: 0, keptBytes: 0, deleted: [] };
}
