import type { RenderPriority } from '../render/render-priority.ts';

/** Virtual time per segment: a high render advances two segments for a normal one's one, a low one half. */
const STEP: Record<RenderPriority, number> = { high: 1, normal: 2, low: 4 };
/** How far ahead of the queue's frontier a newcomer starts: a small render goes first, a new book overtakes the running one by at most this much. */
export const CATCH_UP_WINDOW = 64;
/** BullMQ's highest priority value. At it, jobs are FIFO (a queue that never drains for ~1M segments). */
const MAX_PRIORITY = 2_097_151;

/**
 * BullMQ priorities that share a provider's slots fairly between renders (start-time fair
 * queueing over BullMQ's prioritized set: the lowest number runs first, ties in order of
 * arrival). Each segment's priority is its render's start plus its index times the render's
 * step, so renders on one queue advance at the same rate (weighted by `priority`) instead of
 * one after the other. A render starts `CATCH_UP_WINDOW` behind the queue's frontier (the lowest
 * priority waiting), so a 5-segment render runs next, while a book arriving beside another
 * overtakes it by at most the window, then shares evenly; the book already running is never
 * stopped for longer than that. 0 is never used: BullMQ runs jobs without a priority (heals) first.
 */
export function fairPriorities(frontier: number, priority: RenderPriority = 'normal'): (index: number) => number {
  const start = Math.max(1, frontier - CATCH_UP_WINDOW);
  const step = STEP[priority];
  return (index) => Math.min(MAX_PRIORITY, start + index * step);
}
