/**
 * How long a segment's audio may plausibly be: a bound, not an estimate. Speech runs at
 * roughly 0.1–0.3 s per character (Chinese ~4 characters/s, English ~15 characters/s) and
 * providers slow down to half speed at most, so `secondsPerChar` (default 1) is several times
 * the slowest real speech; `<break time=…>` pauses are added as written, and `extraSeconds`
 * (default 10) covers lead-in, trailing silence and very short texts. Audio past the bound is
 * an endless or runaway stream: it is cut, never stored.
 */
export interface DurationCeilingPolicy {
  secondsPerChar: number;
  extraSeconds: number;
}

export const DEFAULT_DURATION_CEILING: DurationCeilingPolicy = { secondsPerChar: 1, extraSeconds: 10 };

const BREAK_TAG = /<break\b[^<>]*?\btime\s*=\s*["']?(\d+(?:\.\d+)?)\s*(ms|s)?["']?[^<>]*>/giu;

/** Seconds of pause the text's `<break time=…>` tags ask for (a bare number is milliseconds). */
export function breakPauseSeconds(text: string): number {
  let seconds = 0;
  for (const match of text.matchAll(BREAK_TAG)) {
    const amount = Number(match[1]);
    seconds += match[2]?.toLowerCase() === 's' ? amount : amount / 1000;
  }
  return seconds;
}

/** The most seconds of audio `text` may come back as. Characters are code points. */
export function durationCeilingSeconds(text: string, policy: DurationCeilingPolicy = DEFAULT_DURATION_CEILING): number {
  return [...text].length * policy.secondsPerChar + breakPauseSeconds(text) + policy.extraSeconds;
}
