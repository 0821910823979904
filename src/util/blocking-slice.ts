import { setImmediate as nextMacrotask } from 'node:timers/promises';

/** How long blocking calls made back to back may hold the event loop before it gets a turn. */
export const BLOCKING_SLICE_MS = 2;

// One clock for the process: the event loop is shared by every caller.
let sliceStart = 0;
let lastCall = 0;

/**
 * Called after a short blocking call (a local stat, a small read): once a run of such calls, one
 * close after another, has held the event loop for BLOCKING_SLICE_MS, waits for one turn of it,
 * so that a thousand in a row never hold timers (a job's lock renewal) and sockets (other jobs'
 * streams) for longer. A call coming more than a slice after the one before starts a new run:
 * the event loop was free in between, and a lone call does not wait.
 */
export async function afterBlockingCall(): Promise<void> {
  const now = performance.now();
  if (now - lastCall > BLOCKING_SLICE_MS) sliceStart = now;
  lastCall = now;
  if (now - sliceStart < BLOCKING_SLICE_MS) return;
  await nextMacrotask();
  sliceStart = lastCall = performance.now();
}
