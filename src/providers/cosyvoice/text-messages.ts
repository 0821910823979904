import { findBreakTags } from '../../text/break-tags.ts';
import { countDashScope } from '../../text/count-units.ts';
import { splitTextSpans } from '../../text/split-text.ts';

/**
 * The text a voice without SSML should read (plain streaming). Its pauses are cut out by the
 * producer (pauseSupport 'none') and made as silence at the join, so no `<break …>` should come;
 * one that does (a plan made before that) is removed here rather than read aloud. An SSML voice
 * never comes here: its tags become SSML breaks (ssml-text.ts). Whitespace runs become one space
 * or one newline, as the producer already does for the rest of the text.
 */
export function cosyVoiceSpeechText(text: string): string {
  const tags = findBreakTags(text);
  let plain = '';
  let from = 0;
  tags.starts.forEach((start, index) => {
    plain += `${text.slice(from, start)} `;
    from = tags.ends[index] ?? start;
  });
  plain += text.slice(from);
  return plain.replace(/\s+/gu, (run) => (run.includes('\n') ? '\n' : ' ')).trim();
}

/**
 * Cuts a segment's text into continue-task messages of at most `maxUnits` weighted characters,
 * aiming at three quarters of that so cuts land on sentence ends (paragraph > sentence > clause
 * > whitespace > grapheme, as the producer cuts segments). The service joins the messages as
 * they come, so the whitespace between two pieces is kept (one space or one newline, at the end
 * of the earlier message): joined, the messages give back the text, and no two words fuse.
 */
export function textMessages(text: string, maxUnits: number): string[] {
  // One unit is kept free for the separator each message may carry at its end.
  const pieceMax = maxUnits - 1;
  const targetUnits = Math.max(1, Math.floor(maxUnits * 0.75));
  const spans = splitTextSpans(text, { maxUnits: pieceMax, targetUnits: Math.min(targetUnits, pieceMax), count: countDashScope });
  return spans.map((span, index) => {
    const piece = text.slice(span.start, span.end);
    const next = spans[index + 1];
    if (next === undefined) return piece;
    const gap = text.slice(span.end, next.start);
    if (gap === '') return piece;
    return piece + (gap.includes('\n') ? '\n' : ' ');
  });
}
