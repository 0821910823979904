import { blankLines } from './cut-finders.ts';
import { createCutGuard } from './cut-guard.ts';
import { findBreakTags } from './break-tags.ts';

/**
 * Where a chapter's heading line ends (the offset of its newline, or the chapter's end), or
 * undefined for a chapter without a heading (text before the first one, a book without any).
 * A chapter starts at its heading line, after whitespace only.
 */
export function headingEnd(text: string, chapter: { title: string; start: number; end: number }): number | undefined {
  if (chapter.title === '') return undefined;
  let first = chapter.start;
  while (first < chapter.end && /\s/u.test(text[first] ?? '')) first += 1;
  const newline = text.indexOf('\n', first);
  return newline === -1 || newline > chapter.end ? chapter.end : newline;
}

/**
 * `text[from, to)` cut after the heading line (when `heading` falls inside) and at every blank
 * line, so each paragraph is split into segments on its own and the pause after it lands
 * exactly between two segments. A blank line inside a pause tag is no paragraph end.
 */
export function paragraphRanges(text: string, from: number, to: number, heading: number | undefined): [number, number][] {
  const guard = createCutGuard(text, from, to);
  const cuts = blankLines(text, from, to).filter((cut) => guard.canCut(cut));
  if (heading !== undefined && heading > from && heading < to && guard.canCut(heading)) cuts.push(heading);
  cuts.sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  let start = from;
  for (const cut of cuts) {
    if (cut <= start) continue;
    ranges.push([start, cut]);
    start = cut;
  }
  ranges.push([start, to]);
  return ranges;
}

const BLANK_LINE = /\n[ \t\r]*\n/u;

/** Whether the text between two segments holds a blank line, pause tags aside: the first ended a paragraph. */
export function endsParagraph(gap: string): boolean {
  const tags = findBreakTags(gap);
  let bare = gap;
  for (let i = tags.starts.length - 1; i >= 0; i -= 1) bare = `${bare.slice(0, tags.starts[i])}${bare.slice(tags.ends[i])}`;
  return BLANK_LINE.test(bare);
}
