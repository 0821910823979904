import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits `ms`, or less if `ended` settles first. This is a chaos schedule (when to strike next),
 * not a wait standing in for an event: the events are awaited as events.
 */
export async function pauseUnlessEnded(ms: number, ended: Promise<unknown>): Promise<void> {
  const controller = new AbortController();
  const settled = ended.then(
    () => undefined,
    () => undefined,
  );
  try {
    await Promise.race([delay(ms, undefined, { signal: controller.signal }).catch(() => undefined), settled]);
  } finally {
    controller.abort();
  }
}

/** Remembers whether a promise has settled, for loops that run until it has. */
export function settledFlag(promise: Promise<unknown>): { readonly done: boolean } {
  const flag = { done: false };
  promise.then(
    () => (flag.done = true),
    () => (flag.done = true),
  );
  return flag;
}
