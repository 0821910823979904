import { codePointLimits } from '../../text/text-limits.ts';
import type { TextLimits } from '../provider.ts';

/** The documentation gives no per-request ceiling; one third-party client caps at 2,000 (docs/providers/sensenova.md). */
export const SENSENOVA_DEFAULT_MAX_CHARS = 2000;

/**
 * Per-request limits for a ceiling of `maxChars` code points (SENSENOVA_MAX_CHARS). The
 * documentation's billing example counts 12 for 12 characters (Chinese included), so units are code
 * points (docs/providers/sensenova.md, "Limits and counting").
 *
 * Segments aim at three quarters of the ceiling (1,500 for the default 2,000), capped at 3,000:
 * the splitter needs room above the target to end on a sentence, and a retry re-bills the
 * whole segment, so a raised ceiling should not make every segment (and every retry) huge.
 */
export function senseNovaLimits(maxChars: number): TextLimits {
  return codePointLimits(maxChars, 3000);
}
