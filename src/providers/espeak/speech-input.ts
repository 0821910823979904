import { findBreakTags } from '../../text/break-tags.ts';

/** What espeak-ng reads on stdin, and whether it must read it as SSML (`-m`). */
export interface EspeakInput {
  text: string;
  ssml: boolean;
}

/** `time=500`, `time="500ms"`, `time='2s'`: a number and an optional unit (milliseconds when absent). */
const TIME_ATTRIBUTE = /\btime\s*=\s*["']?\s*(\d+(?:\.\d+)?)\s*(ms|s)?\b/iu;

/**
 * The text as espeak-ng should read it. Plain text goes as it is, without `-m`: espeak then
 * reads every character as text, markup-looking or not. Text with pause tags (`<break
 * time=500>`, SenseAudio style) becomes SSML, because espeak reads an unknown tag aloud ("break
 * time five hundred") but honours `<break time="500ms"/>` to the millisecond in SSML mode. The
 * rest of the text is escaped there, so `<`, `>` and `&` in the book stay words, never markup.
 */
export function toEspeakInput(text: string): EspeakInput {
  const tags = findBreakTags(text);
  if (tags.starts.length === 0) return { text, ssml: false };
  let ssml = '';
  let at = 0;
  tags.starts.forEach((start, i) => {
    const end = tags.ends[i] ?? start;
    ssml += escapeXml(text.slice(at, start)) + ssmlBreak(text.slice(start, end));
    at = end;
  });
  return { text: ssml + escapeXml(text.slice(at)), ssml: true };
}

/**
 * One pause tag as espeak's SSML break, in whole milliseconds (espeak reads `1.5s` as 1 s). A tag
 * without a readable time becomes espeak's default pause: it is still never read aloud.
 */
export function ssmlBreak(tag: string): string {
  const match = TIME_ATTRIBUTE.exec(tag);
  if (!match?.[1]) return '<break/>';
  const value = Number.parseFloat(match[1]);
  const ms = match[2]?.toLowerCase() === 's' ? value * 1000 : value;
  return `<break time="${Math.round(ms)}ms"/>`;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
