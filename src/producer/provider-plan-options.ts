import type { ProviderDefinition } from '../providers/provider-definition.ts';
import type { PlanOptions } from '../text/plan-options.ts';
import type { RenderOptions } from './render-options.ts';

/**
 * How the planner cuts for this provider, model and voice: the provider's own constraints
 * (speaker turns), and what becomes of pause tags. A provider that cannot pause ('none', also
 * when it declares nothing) has the text cut at each tag and the silence added by the join; one
 * that reads the tag or its SSML keeps it in the text.
 */
export function providerPlanOptions(definition: ProviderDefinition, options: RenderOptions): PlanOptions {
  const pauses = definition.pauseSupport?.({ model: options.model, voice: options.voice }) ?? 'none';
  return { ...definition.planOptions?.(options.voiceSettings), breakTags: pauses === 'none' ? 'cut' : 'keep' };
}
