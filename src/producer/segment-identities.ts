import type { ProviderDefinition } from '../providers/provider-definition.ts';
import { segmentKey, type SegmentIdentity } from '../queue/segment-key.ts';
import { toSpeechText } from '../text/speech-text.ts';
import type { PlannedSegment, RenderPlan } from './plan.ts';
import type { RenderOptions } from './render-options.ts';
import type { SegmentLexicon } from './segment-lexicon.ts';

/** One planned segment as its job carries it: what names its cached audio, and that key. */
export interface SegmentJobIdentity {
  segment: PlannedSegment;
  identity: SegmentIdentity;
  key: string;
}

/**
 * Each segment's identity and content-addressed key, exactly as enqueueRender builds the jobs:
 * the speech text, the lexicon applied where an entry matches (only those segments change key).
 * The estimate looks the keys up in the output; a key computed any other way would find nothing.
 */
export function segmentIdentities(
  plan: RenderPlan,
  provider: ProviderDefinition,
  options: RenderOptions,
  lexicon: SegmentLexicon | undefined,
): SegmentJobIdentity[] {
  return plan.segments.map((segment) => {
    const plain = toSpeechText(segment.text);
    const spoken = lexicon?.apply(segment.index, plain, options.voiceSettings) ?? { text: plain, voiceSettings: options.voiceSettings };
    const identity: SegmentIdentity = {
      provider: provider.name,
      model: options.model,
      voice: options.voice,
      voiceSettings: spoken.voiceSettings,
      audio: options.audio,
      text: spoken.text,
    };
    return { segment, identity, key: segmentKey(identity) };
  });
}
