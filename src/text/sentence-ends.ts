import { isWhitespaceUnit } from './char-classes.ts';

/** A run of sentence-ending punctuation, full-width or ASCII. */
const TERMINATOR_RUN = /[。！？｡．…‼⁇⁈⁉!?.]+/gu;
/** Ends a sentence wherever it stands (no space follows Chinese punctuation). */
const CJK_TERMINATOR = /[。！？｡…‼⁇⁈⁉]/u;
/** Closing quotes and brackets stay with the sentence they close. */
const CLOSERS = new Set([
  '"',
  "'",
  '”',
  '’',
  '»',
  '›',
  ')',
  ']',
  '}',
  '）',
  '］',
  '｝',
  '」',
  '』',
  '】',
  '〕',
  '〗',
  '〙',
  '〛',
  '〉',
  '》',
  '＂',
  '＇',
]);
/** Words that end in a full stop without ending a sentence (best effort; lower case, no dot). */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'mt',
  'vs',
  'fig',
  'no',
  'vol',
  'ch',
  'pp',
  'ca',
  'approx',
  'cf',
  'al',
  'gen',
  'col',
  'lt',
  'sgt',
  'capt',
  'rev',
  'hon',
  'dept',
  'est',
  'nos',
]);
const LETTER = /\p{L}/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= '0' && ch <= '9') || (ch >= '０' && ch <= '９'));
}

/** CJK text follows a sentence end without a space: ideographs, kana, CJK and full-width punctuation. */
function isCjkUnit(unit: number): boolean {
  return (
    (unit >= 0x2e80 && unit <= 0x9fff) ||
    (unit >= 0xf900 && unit <= 0xfaff) ||
    (unit >= 0xff00 && unit <= 0xffef) ||
    (unit >= 0xd840 && unit <= 0xd87f)
  );
}

/**
 * Whether the single `.` at `dot` closes an abbreviation or initial rather than a sentence:
 * `e.g.`, `U.S.`, `J. Smith`, `Dr. Li`, or any dot followed by a lower-case word.
 */
function isAbbreviationDot(text: string, from: number, dot: number, after: number, to: number): boolean {
  let i = dot;
  while (i > from && dot - i < 16 && LETTER.test(text[i - 1] ?? '')) i -= 1;
  const word = text.slice(i, dot);
  if (word.length === 0) return false;
  if (text[i - 1] === '.') return true;
  if (word.length === 1 && UPPER.test(word)) return true;
  if (ABBREVIATIONS.has(word.toLowerCase())) return true;
  let j = after;
  while (j < to && isWhitespaceUnit(text.charCodeAt(j))) j += 1;
  return j < to && LOWER.test(text[j] ?? '');
}

/**
 * Offsets in `text[from, to)` just after each sentence end (after its closing quotes and
 * brackets). Chinese terminators always end a sentence; `.`, `!`, `?` only when followed by
 * whitespace, CJK text or the end, so `3.14` and `a.b` stay whole; a lone `.` after an
 * abbreviation does not end one.
 */
export function sentenceEnds(text: string, from: number, to: number): number[] {
  const cuts: number[] = [];
  // On the slice, not the whole text: a search must not run on past `to` (that would be quadratic).
  const piece = text.slice(from, to);
  for (const match of piece.matchAll(TERMINATOR_RUN)) {
    const run = match[0];
    const runStart = from + match.index;
    const runEnd = runStart + run.length;
    let after = runEnd;
    while (after < to && CLOSERS.has(text[after] ?? '')) after += 1;
    if (after >= to) break;
    if (!CJK_TERMINATOR.test(run)) {
      const next = text.charCodeAt(after);
      const spaced = isWhitespaceUnit(next) || isCjkUnit(next);
      if (run === '．' && !(isDigit(text[runStart - 1]) && isDigit(text[after]))) {
        cuts.push(after);
        continue;
      }
      if (!spaced) continue;
      if (run === '.' && isAbbreviationDot(text, from, runStart, after, to)) continue;
    }
    cuts.push(after);
  }
  return cuts;
}
