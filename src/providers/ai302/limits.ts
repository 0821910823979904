import { codePointLimits } from '../../text/text-limits.ts';
import type { TextLimits } from '../provider.ts';

/**
 * 302.AI documents no per-task ceiling for Higgs Audio v2 (UNCONFIRMED: docs/providers/ai302.md).
 * Upstream Higgs generates a chunk at a time and has no hard cap, but a hosted GPU task has a time
 * budget, so we stay conservative: 2,000 code points (≈ 2 minutes of English speech) unless
 * AI302_MAX_CHARS says otherwise.
 */
export const AI302_DEFAULT_MAX_CHARS = 2000;

/**
 * Per-task limits for a ceiling of `maxChars` code points. Billing is per token, not per
 * character, so code points are simply the most honest length we can check.
 *
 * Segments aim at three quarters of the ceiling (1,500 for the default 2,000), because:
 * - the splitter needs room above the target to end on a sentence (or, for dialogue, on a turn);
 * - a failed task is lost whole and re-billed on retry: smaller tasks waste less;
 * - each task waits in the provider's queue anyway, so many moderate tasks in flight at once
 *   finish sooner than a few large ones (the worker does not hold a slot while a task runs).
 * Above 4,000 the target stops growing: a raised ceiling is room, not an invitation.
 */
export function ai302Limits(maxChars: number): TextLimits {
  return codePointLimits(maxChars, 4000);
}
