import { describe, expect, it } from 'vitest';
import { cliVoiceSettings, settingAliasOption, settingAssignment, type SettingAssignment } from '../../../src/cli/setting-flags.ts';
import { InputError } from '../../../src/errors/input-error.ts';
import { resolveRenderOptions } from '../../../src/producer/render-options.ts';
import { ai302Definition } from '../../../src/providers/ai302/definition.ts';
import { PROVIDERS } from '../../../src/providers/registry.ts';
import { senseAudioDefinition } from '../../../src/providers/senseaudio/definition.ts';
import { senseNovaDefinition } from '../../../src/providers/sensenova/definition.ts';
import { collectSettingAliases, SPEED_ALIAS } from '../../../src/providers/setting-aliases.ts';

function sets(...values: string[]): SettingAssignment[] {
  return values.reduce<SettingAssignment[] | undefined>((previous, value) => settingAssignment(value, previous), undefined) ?? [];
}

function refusal(run: () => unknown): InputError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  return undefined;
}

describe('--set KEY=VALUE', () => {
  it('splits at the first =, keeps the rest as typed, and refuses a value without a key', () => {
    expect(sets('blend=female_taimei=0.3', 'systemPrompt=a = b')).toEqual([
      { key: 'blend', text: 'female_taimei=0.3' },
      { key: 'systemPrompt', text: 'a = b' },
    ]);
    for (const bad of ['speed', '=1', '1x=2', 'sp eed=1'])
      expect(refusal(() => sets(bad))?.message, bad).toBe('set: expected KEY=VALUE, e.g. speed=1.2');
  });

  it("reads a key the provider has a flag for the flag's way", () => {
    const aliases = ai302Definition.settingAliases ?? [];
    expect(
      cliVoiceSettings(
        aliases,
        {},
        sets('temperature=0.7', 'systemPrompt=42', 'multiSpeaker=true', 'refAudio=https://a/1.wav', 'refAudio=https://a/2.wav'),
      ),
    ).toEqual({ temperature: 0.7, systemPrompt: '42', multiSpeaker: true, refAudio: ['https://a/1.wav', 'https://a/2.wav'] });
    expect(cliVoiceSettings(senseNovaDefinition.settingAliases ?? [], {}, sets('blend=female_taimei=0.3', 'blend=male_0001=0.2'))).toEqual({
      blend: [
        { voice: 'female_taimei', weight: 0.3 },
        { voice: 'male_0001', weight: 0.2 },
      ],
    });
    expect(refusal(() => cliVoiceSettings(aliases, {}, sets('temperature=hot')))?.message).toBe('temperature: must be a number');
    expect(refusal(() => cliVoiceSettings(aliases, {}, sets('multiSpeaker=yes')))?.message).toBe('multiSpeaker: must be true or false');
  });

  it('reads any other key as JSON when it parses, else as text', () => {
    expect(cliVoiceSettings([], {}, sets('latex_read=true', 'n=2', 'list=[1,"a"]', 'word=hello', 'quoted="7"'))).toEqual({
      latex_read: true,
      n: 2,
      list: [1, 'a'],
      word: 'hello',
      quoted: '7',
    });
  });

  it('refuses a setting given both as its flag and with --set, or twice with --set', () => {
    const aliases = senseAudioDefinition.settingAliases ?? [];
    expect(refusal(() => cliVoiceSettings(aliases, { speed: 1.1 }, sets('speed=1.2')))?.message).toBe(
      'speed: given both as --speed and as --set speed=…; give it once',
    );
    expect(refusal(() => cliVoiceSettings(aliases, {}, sets('speed=1.1', 'speed=1.2')))?.message).toBe(
      'speed: given twice with --set; give it once',
    );
  });

  it('passes every flag given on, for the provider schema to take or refuse', () => {
    expect(cliVoiceSettings(senseAudioDefinition.settingAliases ?? [], { speed: 1.1, topK: 5, pitch: undefined }, [])).toEqual({
      speed: 1.1,
      topK: 5,
    });
  });

  it('ends in the provider schema: ranges and unknown keys are refused as for the flags', () => {
    const resolve = (...values: string[]) =>
      resolveRenderOptions(senseAudioDefinition, {
        voiceSettings: cliVoiceSettings(senseAudioDefinition.settingAliases ?? [], {}, sets(...values)),
      });
    expect(resolve('latex_read=true', 'speed=1.2').voiceSettings).toEqual({ latex_read: true, speed: 1.2 });
    expect(refusal(() => resolve('vol=11'))?.field).toBe('vol');
    expect(refusal(() => resolve('temperature=0.5'))?.message).toMatch(/^temperature: senseaudio has no such setting/);
  });
});

describe('setting aliases', () => {
  it('lists each flag once, in the order of the help before them', () => {
    expect(collectSettingAliases(PROVIDERS.values()).map((alias) => alias.flags.split(' ')[0])).toEqual([
      '--speed',
      '--vol',
      '--pitch',
      '--blend',
      '--ref-audio',
      '--ref-text',
      '--system-prompt',
      '--multi-speaker',
      '--temperature',
      '--top-k',
      '--top-p',
    ]);
  });

  it('refuses two different aliases for one setting, and a flag commander would read under another name', () => {
    const other = { ...senseAudioDefinition, name: 'other', settingAliases: [{ ...SPEED_ALIAS, description: 'another speed' }] };
    expect(() => collectSettingAliases([senseAudioDefinition, other])).toThrow(/two different aliases for the setting "speed" \(other\)/);
    expect(() => settingAliasOption({ ...SPEED_ALIAS, flags: '--rate <x>' })).toThrow(/read as "rate", not as the setting "speed"/);
  });
});
