import { InputError } from '../errors/input-error.ts';
import type { TextLimits } from '../providers/provider.ts';
import { cutAtBreakTags, type BreakPiece } from '../text/break-cuts.ts';
import { withoutBreakTags } from '../text/break-tags.ts';
import { detectChapters, type Chapter, type GivenChapter, type StructuredText } from '../text/chapters.ts';
import { countCodePoints } from '../text/count-units.ts';
import { sentenceSpans, type SentenceSpan } from '../text/sentence-spans.ts';
import { hasSomethingToSay } from '../text/speakable.ts';
import { splitTextSpans, type TextSpan } from '../text/split-text.ts';
import type { PlanOptions } from '../text/plan-options.ts';
import { validateText } from '../text/validate-text.ts';
import type { Boundary, Pause } from '../text/pause.ts';
import { NO_PAUSES, type PauseRules } from '../text/pause-rules.ts';
import { endsParagraph, headingEnd, paragraphRanges } from '../text/structure-ranges.ts';

/** Declared with the text knowledge, where provider definitions read it; named from here too. */
export type { PlanOptions };

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
  /** What follows this segment in the book: the place its pause rule is chosen by. */
  boundary: Boundary;
  /**
   * Silence the join puts after this segment: the rule of its boundary plus the pause tags cut
   * out right after it (breakTags 'cut'); absent when that is 0 ms. Its reason is the boundary,
   * or 'break-tag' when a tag added to it.
   */
  pauseAfter?: Pause;
  /** Where the segment lies in the planned text (UTF-16 code units, `[start, end)`). */
  textStart: number;
  textEnd: number;
  /** Its sentences (a heading is one) in source order: what timings and subtitle cues are tied to. */
  sentences: SentenceSpan[];
}

export interface PlannedChapter {
  index: number;
  /** '' for text before the first heading, or for a book without headings. */
  title: string;
  firstSegment: number;
  /** For a book read from EPUB, HTML or Markdown: where the chapter comes from in the source. */
  source?: string;
  /** Its position in the book's table of contents, from 1 (what `--chapters` selects). */
  number?: number;
  /** Where the chapter lies in the planned text (UTF-16 code units, `[start, end)`). */
  textStart: number;
  textEnd: number;
}

export interface RenderPlan {
  chapters: PlannedChapter[];
  segments: PlannedSegment[];
  /** Code points of all segment text. */
  characters: number;
  /** Provider units of all segments. */
  units: number;
  /** Silence before segment 0: the head rule plus pause tags before the book's first word (breakTags 'cut'). */
  pauseBefore?: Pause;
}

/**
 * Everything the producer needs to know before it enqueues anything: the text is validated
 * (InputError when it cannot be spoken), cut into chapters, and each chapter cut into segments
 * on its own, so no segment crosses a chapter and a chapter's heading opens its first segment.
 * Segments with nothing to say (whitespace and invisible characters only) are dropped, and so
 * are chapters left without a segment; chapters and segments are numbered from 0.
 *
 * Structure is kept for the join: a heading line is a segment of its own and every paragraph
 * (text between blank lines) is split on its own, so each segment knows what follows it
 * (`boundary`) and the pause `pauses` gives that place lands exactly between two segments.
 * Multi-speaker texts (`turnLine`) are cut between turns only; a blank line between two turns
 * still counts as a paragraph end. Without `pauses` no structural pause is asked for: the
 * defaults (DEFAULT_PAUSE_RULES) are chosen where a render is requested.
 *
 * With `breakTags: 'cut'` each chapter is first cut at its pause tags (see PlanOptions): a cut
 * there is forced however short the segment before it, no segment text holds a tag, and the
 * tag's pause is added to the last segment planned before it (to `pauseBefore` when there is none
 * yet). Chapter titles lose their tags too.
 */
export function planRender(
  input: string | StructuredText,
  limits: TextLimits,
  options: PlanOptions = {},
  pauses: Readonly<PauseRules> = NO_PAUSES,
): RenderPlan {
  const text = typeof input === 'string' ? input : input.text;
  const clean = validateText(text);
  const chapters: readonly (Chapter | GivenChapter)[] = typeof input === 'string' ? detectChapters(clean) : givenChapters(input, clean);
  const cut = options.breakTags === 'cut';
  const plan: RenderPlan = { chapters: [], segments: [], characters: 0, units: 0 };
  /** Where each segment lies in `clean`, and the ms of the pause tags cut out after it. */
  const placed: { start: number; end: number; tagMs: number }[] = [];
  /** Where each planned chapter's heading line ends (undefined: it has none). */
  const headings: (number | undefined)[] = [];
  let tagsBeforeMs = 0;
  const addPause = (ms: number): void => {
    const last = placed.at(-1);
    if (last === undefined) tagsBeforeMs += ms;
    else last.tagMs += ms;
  };
  for (const chapter of chapters) {
    const pieces: BreakPiece[] = cut ? cutAtBreakTags(clean, chapter.start, chapter.end) : [{ ...chapter, pauseAfterMs: 0 }];
    if (cut && options.turnLine !== undefined) checkTagsBetweenTurns(clean, pieces, options.turnLine);
    const heading = 'heading' in chapter && !chapter.heading ? undefined : headingEnd(clean, chapter);
    let chapterIndex: number | undefined;
    for (const piece of pieces) {
      const spans =
        options.turnLine === undefined
          ? paragraphRanges(clean, piece.start, piece.end, heading).flatMap(([from, to]) => splitTextSpans(clean, limits, from, to))
          : splitTurnSpans(clean, limits, piece.start, piece.end, options.turnLine);
      for (const span of spans) {
        const segmentText = clean.slice(span.start, span.end);
        if (!hasSomethingToSay(segmentText)) continue;
        if (chapterIndex === undefined) {
          chapterIndex = plan.chapters.length;
          plan.chapters.push({
            index: chapterIndex,
            // A heading line may hold a pause tag (`# One <break time=500>`): the title has none.
            title: cut ? withoutBreakTags(chapter.title) : chapter.title,
            firstSegment: plan.segments.length,
            ...('source' in chapter && chapter.source !== undefined ? { source: chapter.source } : {}),
            ...('number' in chapter && chapter.number !== undefined ? { number: chapter.number } : {}),
            textStart: chapter.start,
            textEnd: chapter.end,
          });
          headings.push(heading);
        }
        const chars = countCodePoints(segmentText);
        const segment = {
          index: plan.segments.length,
          chapter: chapterIndex,
          text: segmentText,
          units: span.units,
          chars,
          textStart: span.start,
          textEnd: span.end,
          sentences: sentenceSpans(clean, limits, span.start, span.end),
        };
        plan.segments.push({ ...segment, boundary: 'tail' });
        placed.push({ start: span.start, end: span.end, tagMs: 0 });
        plan.characters += chars;
        plan.units += span.units;
      }
      if (piece.pauseAfterMs > 0) addPause(piece.pauseAfterMs);
    }
  }
  if (plan.segments.length === 0)
    throw new InputError('text', 'has nothing to say: only whitespace and invisible characters', `${text.length} code units`);

  plan.segments.forEach((segment, i) => {
    const here = placed[i];
    const next = placed[i + 1];
    if (here === undefined) return;
    const nextChapter = plan.segments[i + 1]?.chapter;
    const heading = headings[segment.chapter];
    let boundary: Boundary;
    if (next === undefined) boundary = 'tail';
    else if (nextChapter !== segment.chapter) boundary = 'chapter';
    else if (heading !== undefined && here.end <= heading) boundary = 'heading';
    else boundary = endsParagraph(clean.slice(here.end, next.start)) ? 'paragraph' : 'sentence';
    segment.boundary = boundary;
    const pause = pauseAt(pauses[boundary], here.tagMs, boundary);
    if (pause !== undefined) segment.pauseAfter = pause;
  });
  const head = pauseAt(pauses.head, tagsBeforeMs, 'head');
  if (head !== undefined) plan.pauseBefore = head;
  return plan;
}

/**
 * A reader's chapters, checked against the text it built: the same text after validation (a
 * reader collapses whitespace, so there is no BOM or carriage return to drop) and chapters in
 * order inside it. A mismatch is a reader's bug, not the user's.
 */
function givenChapters(input: StructuredText, clean: string): readonly GivenChapter[] {
  if (clean !== input.text) throw new Error('planRender: a book reader produced text that validation changes (BOM or CR)');
  let end = 0;
  for (const chapter of input.chapters) {
    if (chapter.start < end || chapter.end < chapter.start || chapter.end > clean.length)
      throw new Error(
        `planRender: given chapter "${chapter.title}" [${chapter.start}, ${chapter.end}) is out of order or outside the text`,
      );
    end = chapter.end;
  }
  return input.chapters;
}

/** The rule's pause at a place plus the tags cut out there; a tag names the reason. None when 0 ms. */
function pauseAt(ruleMs: number, tagMs: number, place: Boundary | 'head'): Pause | undefined {
  const ms = ruleMs + tagMs;
  if (ms <= 0) return undefined;
  return { ms, reason: tagMs > 0 ? 'break-tag' : place };
}

/**
 * A multi-speaker text is cut only between turns, and the text after a cut must open with its
 * speaker tag, or it would be spoken by no one: a pause tag inside a turn is an InputError.
 */
function checkTagsBetweenTurns(text: string, pieces: readonly BreakPiece[], turnLine: RegExp): void {
  const pattern = new RegExp(turnLine.source, turnLine.flags.replace(/[gy]/g, ''));
  for (let i = 1; i < pieces.length; i += 1) {
    const piece = pieces[i];
    if (piece === undefined) continue;
    const [start, end] = trimmed(text, piece.start, piece.end);
    if (start === end) continue;
    const newline = text.indexOf('\n', start);
    if (pattern.test(text.slice(start, newline === -1 || newline > end ? end : newline))) continue;
    const line = lineCounter(text)(piece.start);
    throw new InputError(
      'text',
      `the pause tag ending on line ${line} falls inside a speaker turn; a multi-speaker text is only cut between turns: ` +
        'move the tag to the end of the turn, or repeat the speaker tag after it',
      { line },
    );
  }
}

/**
 * Cuts `text[from, to)` at speaker turns only: a turn starts at a line matching `turnLine` (text
 * before the first such line is a turn of its own). Turns are trimmed, then packed whole and in
 * order, each segment taking the next turn while the combined slice stays within the target; a
 * turn over the target but within the maximum is a segment alone. A turn over the maximum
 * cannot be spoken whole: an InputError naming its (1-based) line and the limit.
 */
function splitTurnSpans(text: string, limits: TextLimits, from: number, to: number, turnLine: RegExp): TextSpan[] {
  // A g or y flag would make test() stateful (lastIndex); the caller meant the pattern only.
  const pattern = new RegExp(turnLine.source, turnLine.flags.replace(/[gy]/g, ''));
  const starts = [from];
  for (let lineStart = from; lineStart < to;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 || newline >= to ? to : newline;
    if (lineStart > from && pattern.test(text.slice(lineStart, lineEnd))) starts.push(lineStart);
    lineStart = lineEnd + 1;
  }
  const lines = lineCounter(text);
  const spans: TextSpan[] = [];
  let open: TextSpan | undefined;
  for (const [i, start] of starts.entries()) {
    const [turnStart, turnEnd] = trimmed(text, start, starts[i + 1] ?? to);
    if (turnStart === turnEnd) continue;
    const units = limits.count(text.slice(turnStart, turnEnd));
    if (units > limits.maxUnits) {
      const line = lines(turnStart);
      throw new InputError(
        'text',
        `the speaker turn on line ${line} counts ${units} units, more than the ${limits.maxUnits} one request may carry; ` +
          'a multi-speaker text is only cut between turns: split that turn in two (repeat its speaker tag)',
        { line, units, maxUnits: limits.maxUnits },
      );
    }
    if (open !== undefined) {
      const joined = limits.count(text.slice(open.start, turnEnd));
      if (joined <= limits.targetUnits) {
        open = { start: open.start, end: turnEnd, units: joined };
        continue;
      }
      spans.push(open);
    }
    open = { start: turnStart, end: turnEnd, units };
  }
  if (open !== undefined) spans.push(open);
  return spans;
}

function trimmed(text: string, start: number, end: number): [number, number] {
  // Whitespace that carries a combining mark is part of a cluster: it stays.
  while (start < end && /\s/.test(text[start] ?? '') && !/\p{M}/u.test(text[start + 1] ?? '')) start += 1;
  while (end > start && /\s/.test(text[end - 1] ?? '')) end -= 1;
  return [start, end];
}

/** 1-based line numbers of offsets asked in increasing order, counting each newline once. */
function lineCounter(text: string): (offset: number) => number {
  let line = 1;
  let scanned = 0;
  return (offset) => {
    for (; scanned < offset; scanned += 1) if (text.charCodeAt(scanned) === 10) line += 1;
    return line;
  };
}
