import { countDashScope } from '../../text/count-units.ts';
import type { BillingRule } from '../billing.ts';
import { cosyVoiceTakesSsml } from './ssml-support.ts';
import { countSsmlUnits, SPEAK_WRAPPER_UNITS } from './ssml-text.ts';
import { cosyVoiceSpeechText } from './text-messages.ts';

/**
 * `usage.characters`: each Han character 2, everything else 1 (docs/providers/cosyvoice.md,
 * "Limits and counting"), on the text as sent. For a voice that takes SSML that is the `<speak>`
 * document, tags and XML escapes included as the SDK page counts them (a `"` is sent as `&quot;`,
 * 6); for any other voice the plain text, pause tags removed.
 */
export const COSYVOICE_BILLING: BillingRule = {
  unit: 'weighted characters; a Han character bills 2',
  units: (text, query) =>
    cosyVoiceTakesSsml(query) ? countSsmlUnits(text) + SPEAK_WRAPPER_UNITS : countDashScope(cosyVoiceSpeechText(text)),
};
