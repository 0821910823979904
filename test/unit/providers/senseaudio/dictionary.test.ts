import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors/input-error.ts';
import { loadConfig } from '../../../../src/runtime/app-config.ts';
import { senseAudioDefinition } from '../../../../src/providers/senseaudio/definition.ts';
import { buildRequestBody } from '../../../../src/providers/senseaudio/request-body.ts';
import { senseAudioVoiceSettingsSchema } from '../../../../src/providers/senseaudio/settings.ts';

/** Issue 10 item 8, SenseAudio: `dictionary` (seed 001: cloned voices + TTS-1.5 only) is a setting. */
const DICTIONARY = [{ original: '好干净', replacement: '[hao4]干净' }];
const TTS_15 = 'senseaudio-tts-1.5-260319';
const config = loadConfig({});

function check(model: string, voice: string, voiceSettings: Record<string, unknown>): unknown {
  try {
    senseAudioDefinition.validateVoice?.(voice, config, { model, voiceSettings: senseAudioVoiceSettingsSchema.parse(voiceSettings) });
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('SenseAudio dictionary setting', () => {
  it('the settings schema takes an array of {original, replacement} (it refused the key before)', () => {
    expect(senseAudioVoiceSettingsSchema.parse({ dictionary: DICTIONARY })).toEqual({ dictionary: DICTIONARY });
  });

  it.each([
    [{ dictionary: { original: 'a', replacement: 'b' } }],
    [{ dictionary: [{ original: '', replacement: 'b' }] }],
    [{ dictionary: [{ original: 'a' }] }],
    [{ dictionary: [{ original: 'a', replacement: 'b', tone: 4 }] }],
  ])('refuses the malformed %j, naming dictionary', (input) => {
    const result = senseAudioVoiceSettingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('dictionary');
  });

  it('is taken for a cloned voice on a TTS-1.5 model, and sent as the request field', () => {
    expect(check(TTS_15, 'my_clone_01', { dictionary: DICTIONARY })).toBeUndefined();
    const body = buildRequestBody({
      text: '这里好干净',
      voice: 'my_clone_01',
      model: TTS_15,
      audio: { format: 'mp3', sampleRate: 32000, channels: 1, bitrate: 128000 },
      voiceSettings: { dictionary: DICTIONARY },
    });
    expect(body.dictionary).toEqual(DICTIONARY);
    expect(body.voice_setting).toEqual({ voice_id: 'my_clone_01' });
  });

  it('is refused with one line for a model other than 1.5, and for the documented system voice', () => {
    const onTts10 = check('SenseAudio-TTS-1.0', 'my_clone_01', { dictionary: DICTIONARY });
    expect(onTts10).toBeInstanceOf(InputError);
    expect((onTts10 as InputError).message).toBe(
      'dictionary: SenseAudio takes it for cloned voices on the TTS-1.5 models only (seed 001): model SenseAudio-TTS-1.0 is not a TTS-1.5 model (e.g. --model senseaudio-tts-1.5-260319)',
    );
    const systemVoice = check(TTS_15, 'male_0004_a', { dictionary: DICTIONARY });
    expect((systemVoice as InputError).message).toMatch(/^dictionary: .*male_0004_a is a system voice$/);
    expect(check('SenseAudio-TTS-1.0', 'male_0004_a', {}), 'no dictionary, nothing to refuse').toBeUndefined();
    expect(check('SenseAudio-TTS-1.0', 'male_0004_a', { dictionary: [] })).toBeUndefined();
  });

  it('pronunciation() answers dictionary exactly where the document allows it, respell everywhere', () => {
    expect(senseAudioDefinition.pronunciation?.({ model: TTS_15, voice: 'my_clone_01' }).methods).toEqual(['dictionary', 'respell']);
    expect(senseAudioDefinition.pronunciation?.({ model: TTS_15, voice: 'male_0004_a' }).methods).toEqual(['respell']);
    expect(senseAudioDefinition.pronunciation?.({ model: 'SenseAudio-TTS-1.0', voice: 'my_clone_01' }).methods).toEqual(['respell']);
  });
});
