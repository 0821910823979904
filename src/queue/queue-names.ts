/**
 * One queue per provider, so each provider gets its own rate limit and concurrency;
 * one queue for stitching, whose jobs are the parents of a render's flow.
 */
export const STITCH_QUEUE = 'stitch';

export function synthesizeQueueName(provider: string): string {
  return `synthesize-${provider}`;
}

/** Job ids must not contain ':' and must not be all digits (BullMQ rules). */
export function segmentJobId(renderId: string, index: number): string {
  return `${renderId}-s${String(index).padStart(5, '0')}`;
}

/**
 * The render, segment index and heal number a segment job id names (see segmentJobId; a heal
 * job, sent back to synthesis by the stitch, adds `-r<n>`: see healJobId), or undefined.
 */
export function parseSegmentJobId(jobId: string): { renderId: string; index: number; heal: number } | undefined {
  const match = /^(.+)-s(\d{5,})(?:-r(\d+))?$/.exec(jobId);
  return match ? { renderId: match[1] ?? '', index: Number(match[2]), heal: Number(match[3] ?? 0) } : undefined;
}
