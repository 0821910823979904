import { describe, expect, it } from 'vitest';
import { parseSegmentJobId, segmentJobId } from '../../../src/queue/queue-names.ts';
import { healJobId } from '../../../src/worker/segment-results.ts';

/**
 * Review of issue #8 item 6, defect 12: a heal job (`<segment job id>-r<n>`) is a segment job
 * too. Unparsed, the failed-job listener ignored its failure and a parent it failed named a
 * Redis key instead of "segment N".
 */
describe('parseSegmentJobId', () => {
  it('reads the render and index of a first segment job', () => {
    expect(parseSegmentJobId(segmentJobId('r-1', 7))).toEqual({ renderId: 'r-1', index: 7, heal: 0 });
    expect(parseSegmentJobId(segmentJobId('book', 123456))).toEqual({ renderId: 'book', index: 123456, heal: 0 });
  });

  it('reads the render, index and heal number of a heal job', () => {
    expect(parseSegmentJobId(healJobId('r-1', 7, 1))).toEqual({ renderId: 'r-1', index: 7, heal: 1 });
    expect(parseSegmentJobId(healJobId('heal-s00001', 30, 12))).toEqual({ renderId: 'heal-s00001', index: 30, heal: 12 });
  });

  it('refuses ids that name no segment', () => {
    for (const id of ['r-1', 'r-1-s12', 'r-1-s00007-r', 'r-1-s00007-rx', 'r-1-s00007x', '-s00007'])
      expect(parseSegmentJobId(id), id).toBeUndefined();
  });
});
