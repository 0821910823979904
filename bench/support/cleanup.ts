/**
 * Cleanups still owed (child processes, temp folders, Redis prefixes), so an interrupted run
 * (Ctrl-C, SIGTERM) leaves nothing behind either: run.ts calls `runPendingCleanups` on a signal.
 */
const pending = new Set<() => Promise<void>>();

/** Registers `cleanup`; call the returned function once it ran on the normal path. */
export function owe(cleanup: () => Promise<void>): () => void {
  pending.add(cleanup);
  return () => {
    pending.delete(cleanup);
  };
}

/** Runs `cleanup` now and forgets it; also registered until then, for signals. */
export async function withCleanup<T>(cleanup: () => Promise<void>, use: () => Promise<T>): Promise<T> {
  const paid = owe(cleanup);
  try {
    return await use();
  } finally {
    paid();
    await cleanup();
  }
}

/** Newest first: what was made last is undone first. */
export async function runPendingCleanups(): Promise<void> {
  const all = [...pending].reverse();
  pending.clear();
  for (const cleanup of all) await cleanup().catch(() => undefined);
}
