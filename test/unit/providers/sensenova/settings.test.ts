import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors/input-error.ts';
import { resolveRenderOptions, type RawRenderOptions } from '../../../../src/producer/render-options.ts';
import { senseNovaDefinition } from '../../../../src/providers/sensenova/definition.ts';

function resolve(voiceSettings: RawRenderOptions['voiceSettings'], raw: Omit<RawRenderOptions, 'voiceSettings'> = {}) {
  return resolveRenderOptions(senseNovaDefinition, { ...raw, ...(voiceSettings === undefined ? {} : { voiceSettings }) });
}

/** The InputError a resolve throws, or a failure saying it did not throw. */
function refusal(voiceSettings: RawRenderOptions['voiceSettings']): InputError {
  try {
    resolve(voiceSettings);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(voiceSettings)} to be refused`);
}

describe('SenseNova settings through resolveRenderOptions', () => {
  it('takes the documented voice settings at their bounds, under their generic names', () => {
    // `language` is always present since issue 10 (defect 4): it names the rule in every cache key.
    expect(resolve({ speed: 0.5, vol: 10, pitch: -12 }).voiceSettings).toEqual({ speed: 0.5, vol: 10, pitch: -12, language: 'auto' });
    expect(resolve({ speed: 2, vol: 0.01, pitch: 12 }).voiceSettings).toEqual({ speed: 2, vol: 0.01, pitch: 12, language: 'auto' });
    expect(resolve({}).voiceSettings).toEqual({ language: 'auto' });
  });

  it('fills the documented model, the seed voice and mono mp3 at the documented rate', () => {
    const options = resolve({});
    expect(options.model).toBe('SenseNova-Audio-Fusion-0603');
    expect(options.voice).toBe('female_chunzhen');
    expect(options.audio).toEqual({ format: 'mp3', sampleRate: 32000, channels: 1, bitrate: 128000 });
    expect(resolve({}, { format: 'wav', sampleRate: 16000, channels: 2 }).audio).toEqual({ format: 'wav', sampleRate: 16000, channels: 2 });
  });

  it('accepts a blend of up to three extra voices whose weights leave the main voice a share', () => {
    const blend = [
      { voice: 'female_taimei', weight: 0.3 },
      { voice: 'guy_wenrun', weight: 0.2 },
      { voice: 'woman_xiuse', weight: 0.1 },
    ];
    expect(resolve({ blend }).voiceSettings).toEqual({ blend, language: 'auto' });
  });

  it('treats an empty blend as one voice', () => {
    expect(resolve({ blend: [] }).voiceSettings).toEqual({ language: 'auto' });
  });

  it('takes language auto, ZH or EN in any case, and refuses any other naming the rule', () => {
    expect(resolve({ language: 'EN' }).voiceSettings).toEqual({ language: 'EN' });
    expect(resolve({ language: 'zh' }).voiceSettings).toEqual({ language: 'ZH' });
    expect(resolve({ language: 'AUTO' }).voiceSettings).toEqual({ language: 'auto' });
    expect(refusal({ language: 'FR' }).message).toBe('language: must be auto, ZH or EN (sensenova)');
    expect(refusal({ language: 1 }).message).toMatch(/^language: must be auto, ZH or EN/);
  });

  it.each([
    [
      'five voices in all',
      [
        { voice: 'a1', weight: 0.1 },
        { voice: 'a2', weight: 0.1 },
        { voice: 'a3', weight: 0.1 },
        { voice: 'a4', weight: 0.1 },
      ],
      /^blend: at most 4 voices in all, the main voice included; got 5 \(sensenova\)$/,
    ],
    ['a weight above 1', [{ voice: 'female_taimei', weight: 1.5 }], /^blend: weight of female_taimei must be in \(0, 1\], got 1\.5/],
    ['a zero weight', [{ voice: 'female_taimei', weight: 0 }], /^blend: weight of female_taimei must be in \(0, 1\], got 0/],
    ['a negative weight', [{ voice: 'female_taimei', weight: -0.2 }], /must be in \(0, 1\], got -0\.2/],
    [
      'the same voice twice',
      [
        { voice: 'female_taimei', weight: 0.2 },
        { voice: 'female_taimei', weight: 0.2 },
      ],
      /^blend: female_taimei is blended twice; each voice may appear once/,
    ],
    [
      'weights that leave the main voice nothing',
      [
        { voice: 'female_taimei', weight: 0.6 },
        { voice: 'guy_wenrun', weight: 0.4 },
      ],
      /^blend: blended weights sum to 1, leaving the main voice nothing; they must sum to less than 1/,
    ],
    [
      'weights over 1 in sum',
      [
        { voice: 'female_taimei', weight: 0.7 },
        { voice: 'guy_wenrun', weight: 0.7 },
      ],
      /blended weights sum to 1\.4/,
    ],
    ['a nameless voice', [{ voice: ' ', weight: 0.2 }], /^blend\.0\.voice: a blended voice needs a name/],
  ])('refuses a blend with %s, naming the rule', (_name, blend, message) => {
    const error = refusal({ blend });
    expect(error.field).toMatch(/^blend/);
    expect(error.message).toMatch(message);
  });

  it('refuses a blend entry with extra keys or a weight that is not a number', () => {
    expect(refusal({ blend: [{ voice: 'female_taimei', weight: 0.3, extra: 1 }] }).message).toMatch(/^blend\.0/);
    expect(refusal({ blend: [{ voice: 'female_taimei', weight: '0.3' }] }).field).toBe('blend.0.weight');
  });

  it.each([
    [{ speed: 0.49 }, 'speed'],
    [{ speed: 2.01 }, 'speed'],
    [{ vol: 0 }, 'vol'],
    [{ vol: 10.01 }, 'vol'],
    [{ pitch: 0.5 }, 'pitch'],
    [{ pitch: -13 }, 'pitch'],
  ])('refuses %j, naming %s', (settings, field) => {
    expect(refusal(settings).field).toBe(field);
  });

  it.each([
    ['refAudio', ['https://example.com/a.wav']],
    ['systemPrompt', 'a scene'],
    ['temperature', 0.7],
    ['multiSpeaker', true],
  ])('refuses %s, a setting SenseNova lacks', (key, value) => {
    const error = refusal({ [key]: value });
    expect(error.field).toBe(key);
    expect(error.message).toMatch(/sensenova has no such setting/);
  });
});
