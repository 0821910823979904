import { findBreakTags } from '../../text/break-tags.ts';
import { countDashScope } from '../../text/count-units.ts';
import type { BillingRule } from '../billing.ts';
import { senseAudioPauseText } from './pause-tags.ts';

/**
 * `extra_info.usage_characters`: a Chinese character bills 2, anything else 1 (docs/providers/
 * senseaudio.md, "Limits and counting"), the same weighting as DashScope's count. The pause tags
 * sent are not read aloud and not billed; the request limit, by contrast, counts code points.
 */
export const SENSEAUDIO_BILLING: BillingRule = {
  unit: 'characters; a Chinese character bills 2',
  units: (text) => countDashScope(withoutPauseTags(senseAudioPauseText(text))),
};

function withoutPauseTags(text: string): string {
  const tags = findBreakTags(text);
  let spoken = '';
  let from = 0;
  tags.starts.forEach((start, index) => {
    spoken += text.slice(from, start);
    from = tags.ends[index] ?? start;
  });
  return spoken + text.slice(from);
}
