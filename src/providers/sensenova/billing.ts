import { countCodePoints } from '../../text/count-units.ts';
import type { BillingRule } from '../billing.ts';

/** `usage_characters`: the documented example bills 12 for a 12-character Chinese line, so every code point is 1 (docs/providers/sensenova.md). */
export const SENSENOVA_BILLING: BillingRule = {
  unit: 'characters; a Chinese character bills 1',
  units: (text) => countCodePoints(text),
};
