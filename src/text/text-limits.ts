import { countCodePoints } from './count-units.ts';

/** How a provider counts text, and how much one request may carry. Limits live with the provider. */
export interface TextLimits {
  /** Hard ceiling per request, in the provider's own units (see `count`). */
  maxUnits: number;
  /** The segment size the producer aims for; a documented choice below the ceiling. */
  targetUnits: number;
  /** Counts text the way the provider counts it against `maxUnits`. */
  count(text: string): number;
}

/**
 * Limits for a provider that counts code points and takes at most `maxChars` per request:
 * segments aim at three quarters of the ceiling, so the splitter has room above the target to
 * end on a sentence, and never past `targetCap`, because a raised ceiling is room, not an
 * invitation (a retry re-bills the whole segment).
 */
export function codePointLimits(maxChars: number, targetCap: number): TextLimits {
  return {
    maxUnits: maxChars,
    targetUnits: Math.max(1, Math.min(targetCap, Math.round(maxChars * 0.75))),
    count: countCodePoints,
  };
}
