import { describe, expect, it } from 'vitest';
import { providerPlanOptions } from '../../../src/producer/provider-plan-options.ts';
import { resolveRenderOptions } from '../../../src/producer/render-options.ts';
import { ai302Definition, SPEAKER_TURN_LINE } from '../../../src/providers/ai302/definition.ts';
import { espeakDefinition } from '../../../src/providers/espeak/definition.ts';
import type { ProviderDefinition } from '../../../src/providers/provider-definition.ts';
import { senseNovaDefinition } from '../../../src/providers/sensenova/definition.ts';

function planOptions(definition: ProviderDefinition, voiceSettings: Record<string, boolean> = {}) {
  return providerPlanOptions(definition, resolveRenderOptions(definition, { voiceSettings }));
}

describe('providerPlanOptions', () => {
  it('cuts at pause tags for the providers without a documented pause (SenseNova, 302.AI)', () => {
    expect(senseNovaDefinition.pauseSupport?.({ model: 'SenseNova-Audio-Fusion-0603', voice: 'female_chunzhen' })).toBe('none');
    expect(planOptions(senseNovaDefinition)).toEqual({ breakTags: 'cut' });
    expect(planOptions(ai302Definition)).toEqual({ breakTags: 'cut' });
    expect(planOptions(ai302Definition, { multiSpeaker: true })).toEqual({ turnLine: SPEAKER_TURN_LINE, breakTags: 'cut' });
  });

  it('keeps the tags for espeak, whose client turns them into SSML breaks', () => {
    expect(planOptions(espeakDefinition)).toEqual({ breakTags: 'keep' });
  });

  it("treats a definition that declares nothing as 'none'", () => {
    const bare: ProviderDefinition = { ...espeakDefinition };
    delete bare.pauseSupport;
    expect(planOptions(bare)).toEqual({ breakTags: 'cut' });
  });
});
