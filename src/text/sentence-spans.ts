import { withoutBreakTags } from './break-tags.ts';
import { isWhitespaceUnit } from './char-classes.ts';
import { sentenceEnds } from './sentence-ends.ts';
import { toSpeechText } from './speech-text.ts';
import type { TextLimits } from './text-limits.ts';

/**
 * One sentence (or heading, or the piece of a long sentence a segment holds) as it lies in the
 * planned text: what a subtitle cue or a read-along fragment is tied back to.
 */
export interface SentenceSpan {
  /** UTF-16 code units `[start, end)` in the planned text, trimmed of whitespace. */
  start: number;
  end: number;
  /** What a reader sees: the source text with heading markers, pause tags and layout whitespace gone. */
  text: string;
  /** Provider units of the sentence as sent: its expected share of the segment's audio. */
  units: number;
}

/**
 * The sentences of `text[from, to)` in source order, cut where the splitter cuts sentences
 * (sentence-ends.ts), so a timing can be tied to exact source text. A piece with nothing for a
 * reader to see (whitespace, a lone pause tag) is dropped.
 */
export function sentenceSpans(text: string, limits: Pick<TextLimits, 'count'>, from: number, to: number): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let start = from;
  for (const cut of [...sentenceEnds(text, from, to), to]) {
    let s = start;
    let e = cut;
    while (s < e && isWhitespaceUnit(text.charCodeAt(s))) s += 1;
    while (e > s && isWhitespaceUnit(text.charCodeAt(e - 1))) e -= 1;
    start = cut;
    if (s === e) continue;
    const spoken = toSpeechText(text.slice(s, e));
    const shown = withoutBreakTags(spoken);
    if (shown === '') continue;
    spans.push({ start: s, end: e, text: shown, units: limits.count(spoken) });
  }
  return spans;
}
