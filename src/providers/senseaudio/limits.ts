import { countCodePoints } from '../../text/count-units.ts';
import type { TextLimits } from '../provider.ts';

/**
 * SenseAudio takes at most 10,000 characters per request (docs/providers/senseaudio.md, "Limits and
 * counting"), counted as code points: an emoji or a CJK Extension B character is one character, not
 * two UTF-16 units.
 *
 * We aim for 3,000, not the ceiling, because:
 * - a retry re-bills the whole segment: a stream cut at 95 % of a 10,000-character request
 *   costs ~10,000 characters again, at 3,000 at most ~3,000;
 * - parallelism: 3,000 Chinese characters are ~12 minutes of speech, so a 100,000-character
 *   book gives ~34 segments to spread over workers, where 10,000 would give 10;
 * - one request streams for minutes at the ceiling; the longer a stream, the likelier a
 *   deploy, a proxy timeout or a reset cuts it;
 * - the splitter needs room above the target to end a segment on a sentence boundary;
 * - joins are cheap (one per segment, ~50 ms of encoder padding each for mp3): going below
 *   ~1,000 would multiply joins and per-request overhead for little gain.
 */
export const SENSEAUDIO_LIMITS: TextLimits = {
  maxUnits: 10_000,
  targetUnits: 3_000,
  count: countCodePoints,
};
