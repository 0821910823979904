import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withCleanup } from './cleanup.ts';

/** A fresh temp folder for `use`, removed afterwards (and on an interrupted run). */
export async function withTempDir<T>(label: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `ttsb-bench-${label}-`));
  return withCleanup(
    () => rm(dir, { recursive: true, force: true }),
    () => use(dir),
  );
}
