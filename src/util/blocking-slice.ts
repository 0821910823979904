import { setImmediate as nextMacrotask } from 'node:timers/promises';

/** How long blocking calls made back to back may hold the event loop before it gets a turn. */
export const BLOCKING_SLICE_MS = 2;

// One clock for the process: the event loop is shared by every caller.
let sliceStart = performance.now();

/**
 * Called after a short blocking call (a local stat, a small read): once BLOCKING_SLICE_MS have
 * passed since the event loop last got a turn here, waits for one, so that a thousand such calls
 * in a row never hold timers (a job's lock renewal) and sockets (other jobs' streams) for longer.
 */
export async function afterBlockingCall(): Promise<void> {
  if (performance.now() - sliceStart < BLOCKING_SLICE_MS) return;
  await nextMacrotask();
  sliceStart = performance.now();
}
