import { InputError } from '../errors/input-error.ts';
import type { ChapterMark } from '../audio/id3-chapters.ts';
import type { StitchedSegment } from './stitch-types.ts';

export interface ChapterRequest {
  title: string;
  firstSegment: number;
}

/** Chapters must start at existing segments, in order, one chapter per start. */
export function validateChapters(chapters: readonly ChapterRequest[], segmentCount: number): void {
  let previous = -1;
  chapters.forEach((chapter, index) => {
    const first = chapter.firstSegment;
    if (!Number.isInteger(first) || first < 0 || first >= segmentCount) {
      throw new InputError(`chapters[${index}].firstSegment`, `must be a segment position from 0 to ${segmentCount - 1}`, first);
    }
    if (first <= previous) {
      throw new InputError(`chapters[${index}].firstSegment`, `must be greater than the previous chapter's (${previous})`, first);
    }
    previous = first;
  });
}

/** Chapter times from the counted segment starts; each chapter ends where the next begins. */
export function chapterMarks(chapters: readonly ChapterRequest[], segments: readonly StitchedSegment[], totalMs: number): ChapterMark[] {
  return chapters.map((chapter, index) => {
    const next = chapters[index + 1];
    const startMs = segments[chapter.firstSegment]?.startMs ?? 0;
    const endMs = next === undefined ? totalMs : (segments[next.firstSegment]?.startMs ?? totalMs);
    return { title: chapter.title, startMs, endMs };
  });
}
