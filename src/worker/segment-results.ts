import { segmentJobId } from '../queue/queue-names.ts';
import { segmentResultSchema, type SegmentResult } from '../render/render-record.ts';

/**
 * A segment sent back to synthesis by the stitch gets a new job, `<segment job id>-r<n>`
 * (n = 1, 2, …), as a further child of the same stitch job; the first job is heal 0.
 */
export function healJobId(renderId: string, index: number, heal: number): string {
  return `${segmentJobId(renderId, index)}-r${heal}`;
}

/** The heal number of a child from its job key (`<prefix>:<queue>:<job id>`; ids hold no ':'). */
function healNumberOf(jobKey: string): number {
  const match = /-r(\d+)$/.exec(jobKey.slice(jobKey.lastIndexOf(':') + 1));
  return match ? Number(match[1]) : 0;
}

export interface LatestResult {
  result: SegmentResult;
  /** How many times this segment has been sent back to synthesis already. */
  heals: number;
}

/**
 * The children's return values (getChildrenValues), one per segment index: a healed segment
 * has its first and its newer results there, and only the newest describes what is stored.
 */
export function latestResultsByIndex(values: Record<string, unknown>): Map<number, LatestResult> {
  const latest = new Map<number, LatestResult>();
  for (const [jobKey, value] of Object.entries(values)) {
    const result = segmentResultSchema.parse(value);
    const heals = healNumberOf(jobKey);
    const known = latest.get(result.index);
    if (known === undefined || heals > known.heals) latest.set(result.index, { result, heals });
  }
  return latest;
}
