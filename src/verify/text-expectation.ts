import { readBreakTime } from '../text/break-time.ts';

/** What a segment's text says its take should hold, for the signal checks. */
export interface TextExpectation {
  /** Spoken code points: not whitespace, not inside markup. */
  units: number;
  /**
   * The script most of those units are in: Han, kana and Hangul are spoken several times slower
   * per code point than alphabets, so each has its own speaking rate (speaking-rate.ts).
   */
  script: 'cjk' | 'other';
  /** Of `units`, those in Han, kana or Hangul. */
  cjkUnits: number;
  /** Every pause tag's time, summed: silence the take is asked for. */
  pausesMs: number;
  longestPauseMs: number;
  /** Pause tags before the first spoken unit, and after the last. */
  leadingPauseMs: number;
  trailingPauseMs: number;
}

const MARKUP = /<[^<>]*>/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const SPACE = /\s/u;

/** Reads the text as sent to the provider: pause tags (`<break time=…>`) and SSML markup are not spoken. */
export function textExpectation(text: string): TextExpectation {
  let units = 0;
  let cjk = 0;
  let pausesMs = 0;
  let longestPauseMs = 0;
  let leadingPauseMs = 0;
  let trailingPauseMs = 0;
  let at = 0;
  const count = (piece: string): void => {
    for (const char of piece) {
      if (SPACE.test(char)) continue;
      units += 1;
      trailingPauseMs = 0;
      if (CJK.test(char)) cjk += 1;
    }
  };
  for (const match of text.matchAll(MARKUP)) {
    count(text.slice(at, match.index));
    at = match.index + match[0].length;
    if (!/^<break\b/iu.test(match[0])) continue;
    const time = readBreakTime(match[0]);
    if (!('ms' in time)) continue;
    pausesMs += time.ms;
    longestPauseMs = Math.max(longestPauseMs, time.ms);
    if (units === 0) leadingPauseMs += time.ms;
    else trailingPauseMs += time.ms;
  }
  count(text.slice(at));
  return {
    units,
    script: cjk * 2 >= units && cjk > 0 ? 'cjk' : 'other',
    cjkUnits: cjk,
    pausesMs,
    longestPauseMs,
    leadingPauseMs,
    trailingPauseMs,
  };
}
