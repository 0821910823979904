import { collapseWhitespace } from '../util/collapse-whitespace.ts';

/**
 * SenseAudio pause tags: `<break time=500>`, `<break time="500ms"/>`. A tag cut in two would be
 * read aloud as text, so the splitter treats each tag as one indivisible piece.
 */
const BREAK_TAG = /<break\b[^<>]*>/giu;

/** Where the pause tags in `text[from, to)` are, in order, as parallel start/end offset arrays. */
export interface BreakTags {
  starts: number[];
  ends: number[];
}

export function findBreakTags(text: string, from = 0, to = text.length): BreakTags {
  const tags: BreakTags = { starts: [], ends: [] };
  // On the slice, not the whole text: a search must not run on past `to`.
  for (const match of text.slice(from, to).matchAll(BREAK_TAG)) {
    tags.starts.push(from + match.index);
    tags.ends.push(from + match.index + match[0].length);
  }
  return tags;
}

/** `text` without its pause tags, each run of whitespace left as one space: what a reader sees (a title, a cue). */
export function withoutBreakTags(text: string): string {
  const tags = findBreakTags(text);
  let shown = text;
  for (let i = tags.starts.length - 1; i >= 0; i -= 1) shown = `${shown.slice(0, tags.starts[i])} ${shown.slice(tags.ends[i])}`;
  return collapseWhitespace(shown);
}

/** Whether offset `p` falls strictly inside a tag (cutting there would break it). */
export function isInsideTag(tags: BreakTags, p: number): boolean {
  // Last tag starting before p, by binary search.
  let lo = 0;
  let hi = tags.starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((tags.starts[mid] ?? Infinity) < p) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found >= 0 && p < (tags.ends[found] ?? -1);
}
