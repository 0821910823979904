import { countCodePoints } from '../../text/count-units.ts';
import type { TextLimits } from '../provider.ts';

/**
 * espeak-ng reads any length from stdin: there is no provider limit, so these are our choices,
 * counted in code points like the other providers.
 *
 * Target 2,000 (≈ 350 English words, ≈ 2½ minutes of speech at 175 words/min): each segment is
 * one espeak-ng and one ffmpeg process, so a 60,000-character book gives ~30 segments to spread
 * over the worker's slots and cores, and a crash repeats at most a couple of seconds of work.
 * Much smaller segments would spend more on process start-up (~10 ms each) and add a join (a
 * few ms of mp3 padding) per segment for nothing. The 10,000 ceiling gives the splitter room
 * to end a segment on a sentence or paragraph.
 */
export const ESPEAK_LIMITS: TextLimits = {
  maxUnits: 10_000,
  targetUnits: 2_000,
  count: countCodePoints,
};
