import { InputError } from '../errors/input-error.ts';
import type { MasteredSegment } from './master-book.ts';

export interface ChapterCut {
  chapter: number;
  /** Sample frames of the mastered WAV: [startSample, endSample). */
  startSample: number;
  endSample: number;
}

/**
 * Where to cut the master into one file per chapter (ACX) so every file starts and ends with
 * room tone: a cut lies inside the pause before the chapter's first segment, `headSamples`
 * before it (or at the middle of the pause when the pause is shorter), so the next file opens
 * with its head and the previous one keeps the rest of the pause as its tail. The first file
 * starts at 0 (the book's head), the last ends at the book's end (its tail). Files cover the
 * master without gap or overlap.
 */
export function chapterCuts(
  segments: readonly Omit<MasteredSegment, 'quiet'>[],
  chapters: readonly { firstSegment: number }[],
  options: { headSamples: number; totalSamples: number },
): ChapterCut[] {
  const starts = chapters.map((chapter, index) => {
    const segment = segments[chapter.firstSegment];
    if (segment === undefined || (index > 0 && chapter.firstSegment <= (chapters[index - 1]?.firstSegment ?? -1))) {
      throw new InputError(`chapters[${index}].firstSegment`, 'must name a segment, in increasing order', chapter.firstSegment);
    }
    if (index === 0) return 0;
    const before = segments[chapter.firstSegment - 1];
    const pauseStart = before === undefined ? 0 : before.startSample + before.samples;
    const pause = segment.startSample - pauseStart;
    return segment.startSample - Math.min(options.headSamples, Math.floor(pause / 2));
  });
  return starts.map((startSample, chapter) => ({ chapter, startSample, endSample: starts[chapter + 1] ?? options.totalSamples }));
}
