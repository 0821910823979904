import type { BillingRule } from '../billing.ts';

/** espeak-ng runs on this machine: nothing is billed (docs/providers/espeak.md). */
export const ESPEAK_BILLING: BillingRule = {
  unit: 'none; espeak-ng runs here and bills nothing',
  units: () => 0,
};
