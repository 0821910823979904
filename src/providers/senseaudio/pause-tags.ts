import { findBreakTags } from '../../text/break-tags.ts';

/** Seed 001: `<break time=500>`, "time unit: milliseconds, min 100ms". */
export const SENSEAUDIO_MIN_PAUSE_MS = 100;

/** `time=500`, `time="500ms"`, `time='2s'`: a number and an optional unit (milliseconds when absent). */
const TIME_ATTRIBUTE = /\btime\s*=\s*["']?\s*(\d+(?:\.\d+)?)\s*(ms|s)?\b/iu;

/**
 * The text with every pause tag in the one form seed 001 documents, `<break time=N>` with N in
 * whole milliseconds, so that the book may write `<break time="1.5s"/>` as other providers take
 * it. A pause under the documented 100 ms minimum is sent as 100 ms (a strict server refuses it
 * with 2013, failing a paid render for 50 ms it cannot make anyway); a tag without a readable
 * time is left out, since the server might read it aloud.
 */
export function senseAudioPauseText(text: string): string {
  const tags = findBreakTags(text);
  if (tags.starts.length === 0) return text;
  let out = '';
  let at = 0;
  tags.starts.forEach((start, index) => {
    const end = tags.ends[index] ?? start;
    out += text.slice(at, start) + documentedBreak(text.slice(start, end));
    at = end;
  });
  return out + text.slice(at);
}

function documentedBreak(tag: string): string {
  const match = TIME_ATTRIBUTE.exec(tag);
  if (!match?.[1]) return '';
  const value = Number.parseFloat(match[1]);
  const ms = Math.round(match[2]?.toLowerCase() === 's' ? value * 1000 : value);
  return `<break time=${Math.max(SENSEAUDIO_MIN_PAUSE_MS, ms)}>`;
}
