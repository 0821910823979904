import { lstat, opendir, unlink } from 'node:fs/promises';
import path from 'node:path';

/** The names LocalStorage writes before renaming: `.<name>.<12 hex>.part` (see tempNameFor). */
export const TEMP_FILE_NAME = /^\..+\.[0-9a-f]{12}\.part$/;

export interface SweepLimits {
  /** Path components below the root a file may have: 4 reaches .segments/<provider>/<xx>/<file>. */
  maxDepth: number;
  /** Entries looked at, at most: a huge output folder costs a bounded scan, not a full walk. */
  maxEntries: number;
}

const DEFAULT_LIMITS: SweepLimits = { maxDepth: 4, maxEntries: 200_000 };

/**
 * Deletes the temp files a killed writer left under `root`: names of LocalStorage's temp pattern
 * not modified for `olderThanMs`. A live writer touches its file with every chunk, and one stuck
 * longer than the job lock has lost its job anyway, so the lock time is a safe age. Symbolic
 * links are not followed; files that vanish meanwhile are skipped.
 */
export async function removeStaleTempFiles(
  root: string,
  olderThanMs: number,
  limits: SweepLimits = DEFAULT_LIMITS,
): Promise<{ removed: number; scanned: number }> {
  const cutoff = Date.now() - olderThanMs;
  let removed = 0;
  let scanned = 0;
  const folders: { folder: string; depth: number }[] = [{ folder: root, depth: 0 }];
  while (folders.length > 0 && scanned < limits.maxEntries) {
    const { folder, depth } = folders.shift() as { folder: string; depth: number };
    let entries;
    try {
      entries = await opendir(folder);
    } catch {
      continue; // gone or unreadable: nothing of ours to clean there
    }
    for await (const entry of entries) {
      scanned += 1;
      if (scanned > limits.maxEntries) break;
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (depth + 1 < limits.maxDepth) folders.push({ folder: file, depth: depth + 1 });
      } else if (entry.isFile() && TEMP_FILE_NAME.test(entry.name)) {
        const info = await lstat(file).catch(() => null);
        if (
          info &&
          info.mtimeMs < cutoff &&
          (await unlink(file).then(
            () => true,
            () => false,
          ))
        )
          removed += 1;
      }
    }
  }
  return { removed, scanned };
}
