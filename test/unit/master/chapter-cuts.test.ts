import { describe, expect, it } from 'vitest';
import { chapterCuts } from '../../../src/master/chapter-cuts.ts';

/** Three segments of 1000 samples; pauses of 300 and 2000 after the first two; head 100, tail 500. */
const segments = [
  { position: 0, startSample: 100, startMs: 0, samples: 1000, pauseAfterSamples: 300 },
  { position: 1, startSample: 1400, startMs: 0, samples: 1000, pauseAfterSamples: 2000 },
  { position: 2, startSample: 4400, startMs: 0, samples: 1000, pauseAfterSamples: 500 },
];

describe('chapterCuts', () => {
  it('cuts inside the pause before each chapter, the head length before its first segment, covering the book', () => {
    expect(chapterCuts(segments, [{ firstSegment: 0 }, { firstSegment: 2 }], { headSamples: 750, totalSamples: 5900 })).toEqual([
      { chapter: 0, startSample: 0, endSample: 3650 },
      { chapter: 1, startSample: 3650, endSample: 5900 },
    ]);
  });

  it('splits a pause shorter than two heads in the middle, so both files keep some of it', () => {
    expect(chapterCuts(segments, [{ firstSegment: 0 }, { firstSegment: 1 }], { headSamples: 750, totalSamples: 5900 })).toEqual([
      { chapter: 0, startSample: 0, endSample: 1250 },
      { chapter: 1, startSample: 1250, endSample: 5900 },
    ]);
  });

  it('refuses chapters out of order or past the segments', () => {
    expect(() => chapterCuts(segments, [{ firstSegment: 0 }, { firstSegment: 0 }], { headSamples: 1, totalSamples: 5900 })).toThrow(
      /chapters\[1\]/,
    );
    expect(() => chapterCuts(segments, [{ firstSegment: 5 }], { headSamples: 1, totalSamples: 5900 })).toThrow(/chapters\[0\]/);
  });
});
