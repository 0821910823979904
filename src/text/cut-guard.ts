import { findBreakTags, isInsideTag, type BreakTags } from './break-tags.ts';
import { isHighSurrogate, isLowSurrogate, isPlainUnit } from './char-classes.ts';

/** Answers whether the text may be cut at an offset without breaking something that must stay whole. */
export interface CutGuard {
  /** False inside a pause tag, between the halves of a surrogate pair, or inside a grapheme cluster. */
  canCut(p: number): boolean;
  /** True when `p` lies strictly inside a pause tag. */
  insideTag(p: number): boolean;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Code units of context before a cut, before the look-back runs on to a plain anchor. */
const CONTEXT = 32;

/**
 * With a plain unit after the cut, only these before it can join across it: CR (CR LF), ZWJ
 * (emoji ZWJ sequences), prepended marks (UAX #29 GB9b) and Hangul jamo (an L jamo before a
 * syllable). A superset is fine: a match only means "ask Intl.Segmenter".
 */
const JOINS_WHAT_FOLLOWS =
  /\u200D|[\r\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u{110BD}\u{110CD}\u0D4E\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\u{111C2}\u{111C3}\u{1193F}\u{11941}\u{11A3A}\u{11A84}-\u{11A89}\u{11D46}\u{11F02}]/uy;
/**
 * With a plain unit before the cut, only these after it can join across it: extending marks,
 * ZWJ, spacing marks (a superset: every Mc, plus Thai/Lao AM) and Hangul V/T jamo after a
 * syllable. Again a match only means "ask Intl.Segmenter".
 */
const JOINS_WHAT_PRECEDES = /\u200D|[\p{Grapheme_Extend}\p{Emoji_Modifier}\p{Mc}\u0E33\u0EB3\u1160-\u11FF\uD7B0-\uD7FF]/uy;

function matchesAt(pattern: RegExp, text: string, p: number): boolean {
  pattern.lastIndex = p;
  return pattern.test(text);
}

/**
 * Asks Intl.Segmenter about the one cut. The window reaches back past every non-plain unit to a
 * plain one (see isPlainUnit): cluster rules that look backwards (regional-indicator pairs, emoji
 * ZWJ sequences, Indic conjuncts) never look past a plain unit, so the answer matches what a
 * segmentation of the whole text would say. Forward, the rules only look at the next code point.
 */
function isGraphemeBoundary(text: string, p: number): boolean {
  let lo = Math.max(0, p - CONTEXT);
  while (lo > 0 && !isPlainUnit(text.charCodeAt(lo - 1))) lo -= 1;
  if (lo > 0) lo -= 1;
  const hi = Math.min(text.length, p + 2);
  const window = text.slice(lo, hi);
  return graphemes.segment(window).containing(p - lo)?.index === p - lo;
}

/**
 * Whether `p` (not inside a surrogate pair) is a grapheme-cluster boundary. Most cuts sit next
 * to a space or a punctuation mark, and one look at the other side settles them; the segmenter
 * is only asked when a joining character is actually there.
 */
function isClusterBoundary(text: string, p: number): boolean {
  const beforePlain = isPlainUnit(text.charCodeAt(p - 1));
  const afterPlain = isPlainUnit(text.charCodeAt(p));
  if (beforePlain && afterPlain) return true;
  if (afterPlain) {
    const previous = isLowSurrogate(text.charCodeAt(p - 1)) && p >= 2 && isHighSurrogate(text.charCodeAt(p - 2)) ? p - 2 : p - 1;
    if (!matchesAt(JOINS_WHAT_FOLLOWS, text, previous)) return true;
  } else if (beforePlain && !matchesAt(JOINS_WHAT_PRECEDES, text, p)) {
    return true;
  }
  return isGraphemeBoundary(text, p);
}

/** A guard for cuts in `text[from, to)`; pause tags are found once, here. */
export function createCutGuard(text: string, from = 0, to = text.length): CutGuard {
  const tags: BreakTags = findBreakTags(text, from, to);
  const insideTag = (p: number): boolean => tags.starts.length > 0 && isInsideTag(tags, p);
  return {
    insideTag,
    canCut(p) {
      if (p <= 0 || p >= text.length) return true;
      const before = text.charCodeAt(p - 1);
      const after = text.charCodeAt(p);
      if (isHighSurrogate(before) && isLowSurrogate(after)) return false;
      if (insideTag(p)) return false;
      return isClusterBoundary(text, p);
    },
  };
}
