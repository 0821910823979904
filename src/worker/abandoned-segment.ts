import type { SegmentResult } from '../render/render-record.ts';
import type { SynthesizeJobData } from '../queue/job-data.ts';

/**
 * What a segment of an ended render (cancelled, or failed elsewhere) completes with instead of
 * failing: a user's cancel is not a failure, so its jobs must not fill the failed set that
 * alerts and Bull Board count. Nothing was stored (`bytes: 0`); the stitch parent finds the
 * render ended and writes nothing, and a stitch would refuse this result if it ever saw one.
 */
export function abandonedSegment(data: SynthesizeJobData): SegmentResult {
  return { index: data.index, key: data.key, cached: false, bytes: 0, cancelled: true };
}
