import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/runtime/app-config.ts';
import { InputError } from '../../../src/errors/input-error.ts';
import { cosyVoiceDefinition } from '../../../src/providers/cosyvoice/definition.ts';
import { COSYVOICE_V2_VOICES } from '../../../src/providers/cosyvoice/voices.ts';
import type { ProviderDefinition } from '../../../src/providers/provider-definition.ts';
import { senseAudioDefinition } from '../../../src/providers/senseaudio/definition.ts';
import { senseNovaDefinition } from '../../../src/providers/sensenova/definition.ts';
import { SENSENOVA_VOICES } from '../../../src/providers/sensenova/voices.ts';

const config = loadConfig({});

/** The InputError a definition's check throws, or undefined when it lets the voice through. */
function refusal(
  definition: ProviderDefinition,
  voice: string,
  options = { model: definition.defaultModel, voiceSettings: {} },
  env = config,
): InputError | undefined {
  if (definition.validateVoice === undefined) throw new Error(`${definition.name} must declare validateVoice`);
  try {
    definition.validateVoice(voice, env, options);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
}

describe('voice checks before enqueue (issue #8 item 3)', () => {
  it('sensenova: every voice of the seed-002 table passes, an unknown one is refused naming voice and some valid ids', () => {
    expect(SENSENOVA_VOICES).toHaveLength(36);
    for (const voice of SENSENOVA_VOICES) expect(refusal(senseNovaDefinition, voice), voice).toBeUndefined();
    const error = refusal(senseNovaDefinition, 'klingon');
    expect(error?.field).toBe('voice');
    expect(error?.message).toBe(
      'voice: sensenova has no voice "klingon"; its 36 voices (speech fusion v2 docs) include child_reqing, man_zhengqi, man_weiyan, guy_qingshuang, guy_wenrun, male_shenqing; a cloned or custom voice passes when listed in CUSTOM_VOICES',
    );
  });

  it('sensenova: a blended voice is checked too, by its place in the blend', () => {
    const options = {
      model: senseNovaDefinition.defaultModel,
      voiceSettings: {
        blend: [
          { voice: 'female_taimei', weight: 0.2 },
          { voice: 'no_such', weight: 0.1 },
        ],
      },
    };
    const error = refusal(senseNovaDefinition, 'female_chunzhen', options);
    expect(error?.field).toBe('blend.1.voice');
    expect(error?.message).toMatch(/^blend\.1\.voice: sensenova has no voice "no_such"/);
  });

  it('sensenova and cosyvoice: CUSTOM_VOICES lets a cloned id through', () => {
    const custom = loadConfig({ CUSTOM_VOICES: 'my_clone_01, another' });
    expect(refusal(senseNovaDefinition, 'my_clone_01', undefined, custom)).toBeUndefined();
    expect(refusal(cosyVoiceDefinition, 'another', undefined, custom)).toBeUndefined();
    expect(refusal(senseNovaDefinition, 'my_clone_01')).toBeDefined();
  });

  it('cosyvoice: the cosyvoice-v2 table passes, an unknown voice is refused, a cloned id (cosyvoice-…) passes', () => {
    expect(COSYVOICE_V2_VOICES).toHaveLength(85);
    for (const voice of COSYVOICE_V2_VOICES) expect(refusal(cosyVoiceDefinition, voice), voice).toBeUndefined();
    expect(refusal(cosyVoiceDefinition, 'longxiaochun')?.message).toMatch(
      /^voice: cosyvoice has no voice "longxiaochun"; its 85 voices \(the cosyvoice-v2 table\) include longhuohuo, .*; a cloned voice \(cosyvoice-<prefix>-<id>\) or one listed in CUSTOM_VOICES also passes$/,
    );
    expect(refusal(cosyVoiceDefinition, 'cosyvoice-v2-myvoice-8f2a61c3')).toBeUndefined();
    expect(refusal(cosyVoiceDefinition, 'cosyvoice-tongyi-90fa79f')).toBeUndefined();
  });

  it('cosyvoice: another model’s voices are not documented, so they are left to DashScope', () => {
    expect(refusal(cosyVoiceDefinition, 'longxiaochun', { model: 'cosyvoice-v1', voiceSettings: {} })).toBeUndefined();
  });

  it('senseaudio: only the form is checked (the docs show one example id)', () => {
    for (const voice of ['male_0004_a', 'klingon', 'Custom-Voice_2']) expect(refusal(senseAudioDefinition, voice), voice).toBeUndefined();
    for (const voice of ['klingon ish', '中文音色', '0004', 'a'.repeat(257), 'x;rm']) {
      expect(refusal(senseAudioDefinition, voice)?.message, voice).toMatch(
        /^voice: a SenseAudio voice id is a letter, then letters, digits, _ or -/,
      );
    }
  });
});
