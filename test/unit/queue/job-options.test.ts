import { describe, expect, it } from 'vitest';
import { segmentJobOptions, stitchJobOptions } from '../../../src/queue/job-options.ts';

/**
 * Review of issue #8 item 6, defect 9: the stitch heals a damaged segment with the text held
 * by the segment's job. Removed a day after it finished (while stitch jobs stay 7), a render
 * running longer than a day could no longer heal ("its segment job is gone").
 */
describe('job retention', () => {
  it('keeps a finished segment job as long as its stitch job', () => {
    const retry = { attempts: 8, backoffMs: 2000 };
    expect(segmentJobOptions('r-s00000', retry).removeOnComplete).toEqual(stitchJobOptions('r', retry).removeOnComplete);
    expect(segmentJobOptions('r-s00000', retry).removeOnComplete).toEqual({ age: 7 * 24 * 3600 });
  });
});
