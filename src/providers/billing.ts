import type { PauseSupportQuery } from './pause-support.ts';

/**
 * How a provider bills the text of one request, as its documents say: what `units` counts is what
 * its answer reports billing (the manifest's billedCharacters), so an estimate or a budget counted
 * with it matches the bill. Kept apart from TextLimits.count, which counts against the ceiling of
 * one request: SenseAudio allows 10,000 characters per request but bills a Chinese character as 2,
 * and a CosyVoice SSML voice is billed for the `<speak>` wrapper the planner leaves out.
 */
export interface BillingRule {
  /** What one unit is, for people: "characters; a Chinese character bills 2". */
  readonly unit: string;
  /**
   * Units billed for one segment's text as its job carries it (the speech text, lexicon applied),
   * for this model and voice; 0 when the provider bills nothing.
   */
  units(text: string, query: PauseSupportQuery): number;
}
