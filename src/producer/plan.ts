import type { TextLimits } from '../providers/provider.ts';
import { detectChapters } from './chapters.ts';
import { countCodePoints } from './count-units.ts';
import { splitTextSpans } from './split-text.ts';
import { validateText } from './validate-text.ts';

export interface PlannedSegment {
  index: number;
  /** Index into RenderPlan.chapters. */
  chapter: number;
  /** The segment as it stands in the book (headings keep their `#`); see toSpeechText for what is sent. */
  text: string;
  /** Provider units, by the provider's own count. */
  units: number;
  /** Code points. */
  chars: number;
}

export interface PlannedChapter {
  index: number;
  /** '' for text before the first heading, or for a book without headings. */
  title: string;
  firstSegment: number;
}

export interface RenderPlan {
  chapters: PlannedChapter[];
  segments: PlannedSegment[];
  /** Code points of all segment text. */
  characters: number;
  /** Provider units of all segments. */
  units: number;
}

/**
 * Everything the producer needs to know before it enqueues anything: the text is validated
 * (InputError when it cannot be spoken), cut into chapters, and each chapter cut into segments
 * on its own, so no segment crosses a chapter and a chapter's heading opens its first segment.
 * Chapters with nothing to say are dropped; chapters and segments are numbered from 0.
 */
/** How a provider constrains where segments may end, beyond its size limits. */
export interface PlanOptions {
  /**
   * Multi-speaker dialogue: a segment may end only right before a line matching this (a new
   * speaker turn, e.g. /^\[SPEAKER\d+\]/), never inside a turn. Not implemented yet: see issue 3.
   */
  turnLine?: RegExp;
}

export function planRender(text: string, limits: TextLimits, _options: PlanOptions = {}): RenderPlan {
  const clean = validateText(text);
  const plan: RenderPlan = { chapters: [], segments: [], characters: 0, units: 0 };
  for (const chapter of detectChapters(clean)) {
    const spans = splitTextSpans(clean, limits, chapter.start, chapter.end);
    if (spans.length === 0) continue;
    const chapterIndex = plan.chapters.length;
    plan.chapters.push({ index: chapterIndex, title: chapter.title, firstSegment: plan.segments.length });
    for (const span of spans) {
      const segmentText = clean.slice(span.start, span.end);
      const chars = countCodePoints(segmentText);
      plan.segments.push({ index: plan.segments.length, chapter: chapterIndex, text: segmentText, units: span.units, chars });
      plan.characters += chars;
      plan.units += span.units;
    }
  }
  return plan;
}
