import { isWhitespaceUnit } from './char-classes.ts';

export { sentenceEnds } from './sentence-ends.ts';

/**
 * A cut finder proposes offsets in `text[from, to)`, ascending, where a piece may be cut in
 * two. The splitter still checks each one with its CutGuard and trims the whitespace around it.
 */
export type CutFinder = (text: string, from: number, to: number) => Iterable<number>;

/** At each blank line (a newline, optional spaces or tabs, another newline). */
export function blankLines(text: string, from: number, to: number): number[] {
  const cuts: number[] = [];
  let newline = text.indexOf('\n', from);
  while (newline !== -1 && newline < to) {
    let next = newline + 1;
    while (next < to && (text[next] === ' ' || text[next] === '\t' || text[next] === '\r')) next += 1;
    if (next < to && text[next] === '\n') cuts.push(newline);
    newline = text.indexOf('\n', next);
  }
  return cuts;
}

const WORD_END = /^[\p{L}\p{N}]$/u;
const LOWER_START = /^\p{Ll}$/u;
const IDEOGRAPH = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;

/**
 * Whether the newline at `newline` is a hard wrap inside a sentence (fixed-width text, as in
 * Project Gutenberg books or some Chinese .txt files): a letter or digit before it, and a
 * lower-case letter after it, or an ideograph on both sides. Such a newline is just a space; the
 * sentence it sits in is better cut at its end than at the wrap.
 */
function isHardWrap(text: string, newline: number, from: number, to: number): boolean {
  let before = newline - 1;
  while (before >= from && (text[before] === ' ' || text[before] === '\t' || text[before] === '\r')) before -= 1;
  let after = newline + 1;
  while (after < to && (text[after] === ' ' || text[after] === '\t')) after += 1;
  if (before < from || after >= to) return false;
  const previous = text[before] ?? '';
  const next = text[after] ?? '';
  if (!WORD_END.test(previous)) return false;
  return LOWER_START.test(next) || (IDEOGRAPH.test(previous) && IDEOGRAPH.test(next));
}

/** At each newline that is not a hard wrap inside a sentence. */
export function lineBreaks(text: string, from: number, to: number): number[] {
  const cuts: number[] = [];
  for (let newline = text.indexOf('\n', from); newline !== -1 && newline < to; newline = text.indexOf('\n', newline + 1)) {
    if (!isHardWrap(text, newline, from, to)) cuts.push(newline);
  }
  return cuts;
}

const CLAUSE_RUN = /[，、；：,;:—⸺]+/gu;
/** ASCII clause marks are ambiguous (3,000 · 12:30 · http://): they only count when followed by space or CJK. */
const ASCII_ONLY = /^[,;:]+$/u;
const CLAUSE_CLOSERS = new Set(['"', "'", '”', '’', ')', '）', '」', '』', '》']);

/** Just after each clause mark (，、；；：, ; : —) and any closing quote after it. */
export function clauseEnds(text: string, from: number, to: number): number[] {
  const cuts: number[] = [];
  // On the slice, not the whole text: a search must not run on past `to` (that would be quadratic).
  const piece = text.slice(from, to);
  for (const match of piece.matchAll(CLAUSE_RUN)) {
    let after = from + match.index + match[0].length;
    while (after < to && CLAUSE_CLOSERS.has(text[after] ?? '')) after += 1;
    if (after >= to) break;
    if (ASCII_ONLY.test(match[0])) {
      const next = text.charCodeAt(after);
      if (!isWhitespaceUnit(next) && next < 0x2e80) continue;
    }
    cuts.push(after);
  }
  return cuts;
}

/** At the start of each run of whitespace. */
export function whitespaceRuns(text: string, from: number, to: number): number[] {
  const cuts: number[] = [];
  let inRun = true;
  for (let i = from; i < to; i += 1) {
    const space = isWhitespaceUnit(text.charCodeAt(i));
    if (space && !inRun && i > from) cuts.push(i);
    inRun = space;
  }
  return cuts;
}

const words = new Intl.Segmenter(undefined, { granularity: 'word' });

/**
 * Word boundaries from the ICU word segmenter: its dictionary splits unspaced Chinese and
 * Japanese into words, so a run-on line is cut between words before it is cut between
 * characters. Word boundaries never fall inside a grapheme cluster (UAX #29).
 */
export function* dictionaryWords(text: string, from: number, to: number): Generator<number> {
  for (const word of words.segment(text.slice(from, to))) {
    if (word.index > 0) yield from + word.index;
  }
}
