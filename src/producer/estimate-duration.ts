import { findBreakTags } from '../text/break-tags.ts';
import { readBreakTime } from '../text/break-time.ts';
import { countCodePoints, countDashScope } from '../text/count-units.ts';
import type { RenderPlan } from './plan.ts';

/**
 * Speaking rates the duration estimate assumes, at speed 1: Chinese is read at about 270
 * characters a minute (audiobook and broadcast narration run 240–300), so 4.5 Han characters a
 * second; English at about 165 words a minute, ~5 code points a word with its space and
 * punctuation, so 14 other code points a second. Not measured per provider: the simulators speak
 * at whatever rate a test sets, and real voices vary by a tenth or two either way.
 */
export const HAN_PER_SECOND = 4.5;
export const OTHER_PER_SECOND = 14;

/** How long one segment's speech should take: its text at the rates above, divided by `speed`, plus the pause tags it keeps. */
export function speechMs(text: string, speed: number): number {
  const tags = findBreakTags(text);
  let spoken = '';
  let pausesMs = 0;
  let from = 0;
  tags.starts.forEach((start, index) => {
    const end = tags.ends[index] ?? start;
    spoken += text.slice(from, start);
    const time = readBreakTime(text.slice(start, end));
    if ('ms' in time) pausesMs += time.ms;
    from = end;
  });
  spoken += text.slice(from);
  const all = countCodePoints(spoken);
  // DashScope's count adds one for each Han code point: the difference is how many there are.
  const han = countDashScope(spoken) - all;
  const seconds = han / HAN_PER_SECOND + (all - han) / OTHER_PER_SECOND;
  return (seconds * 1000) / speed + pausesMs;
}

/**
 * The book's estimated length: every segment's speech (its text as sent) plus the silence the
 * join puts by structure and cut pause tags (the plan's pauses), rounded to the millisecond.
 * `speed` is the render's speed setting (every provider's `speed` is a factor, 1 = normal).
 */
export function estimateDurationMs(plan: RenderPlan, spokenTexts: readonly string[], speed = 1): number {
  const speech = spokenTexts.reduce((sum, text) => sum + speechMs(text, speed), 0);
  const pauses = plan.segments.reduce((sum, segment) => sum + (segment.pauseAfter?.ms ?? 0), plan.pauseBefore?.ms ?? 0);
  return Math.round(speech + pauses);
}
