import type { RenderStatus } from './render-record.ts';

/**
 * The statuses of a render that is not over and may be waiting on a worker: queued, running,
 * and stitching, because a stitch that sent a damaged segment back to synthesis waits for a
 * provider's worker exactly as a queued render does (see heal-segment.ts).
 */
export const WAITING_STATUSES = ['queued', 'running', 'stitching'] as const satisfies readonly RenderStatus[];

export function isWaitingStatus(status: RenderStatus): boolean {
  return (WAITING_STATUSES as readonly RenderStatus[]).includes(status);
}
