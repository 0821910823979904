import { describe, expect, it } from 'vitest';
import { lastChapterTo } from '../../../src/master/encode/last-chapter-to.ts';

describe('lastChapterTo', () => {
  const chapters = [
    { title: 'One', startMs: 0, endMs: 1_000 },
    { title: 'Two', startMs: 1_000, endMs: 2_000 },
  ];

  it('runs the last chapter to the end of the audio (an m4b padded to whole AAC frames), leaving the others', () => {
    expect(lastChapterTo(chapters, 2_046.4)).toEqual([chapters[0], { title: 'Two', startMs: 1_000, endMs: 2_046.4 }]);
  });

  it('never shortens a chapter, and keeps an empty list empty', () => {
    expect(lastChapterTo(chapters, 1_999)).toEqual(chapters);
    expect(lastChapterTo([], 5_000)).toEqual([]);
  });
});
