import { toSpeechText } from './speech-text.ts';

/** Anything but whitespace and invisible format characters (zero-width spaces and joiners, bidi marks, soft hyphens). */
const AUDIBLE = /[^\s\p{Cf}]/u;

/**
 * Whether a segment, as it will be sent, has anything to say. A stretch of nothing but invisible
 * characters (say, a zero-width space on a line before the first heading) would otherwise be sent
 * on its own: billed, or refused by SenseAudio with 1042 ("more than 10 % invisible characters"),
 * which fails the whole render.
 */
export function hasSomethingToSay(segmentText: string): boolean {
  return AUDIBLE.test(toSpeechText(segmentText));
}
