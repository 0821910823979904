import { countCodePoints } from '../../text/count-units.ts';
import type { BillingRule } from '../billing.ts';

const SPEAKER_TAG = /\[SPEAKER\d+\]/gu;

/**
 * 302.AI prices Higgs tasks per token, and no answer is known to report tokens: what is counted
 * (the manifest's billed characters) is the answer's `usage.characters`, the code points spoken,
 * `[SPEAKERn]` turn tags left out as they are not read aloud (docs/providers/ai302.md, "Limits").
 */
export const AI302_BILLING: BillingRule = {
  unit: 'characters reported (302.AI prices tokens)',
  units: (text) => countCodePoints(text.replace(SPEAKER_TAG, '').trim()),
};
