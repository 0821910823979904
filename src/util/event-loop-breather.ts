import { setImmediate as nextMacrotask } from 'node:timers/promises';

/**
 * How many bytes may pass between two turns of the event loop. Storage streams that hand out
 * already-resolved chunks (memory, cached files) never give timers or sockets a chance
 * otherwise, and a worker that blocks for seconds loses its BullMQ lock.
 */
export const BREATHE_EVERY_BYTES = 4 * 1024 * 1024;

// One count for the process, not per stream: the event loop is shared, and a book is many
// small segments, each read by its own reader.
let sinceBreath = 0;

/** Counts `bytes` as processed; once enough went by, waits for one turn of the event loop. */
export async function breathe(bytes: number): Promise<void> {
  sinceBreath += bytes;
  if (sinceBreath < BREATHE_EVERY_BYTES) return;
  sinceBreath = 0;
  await nextMacrotask();
}
