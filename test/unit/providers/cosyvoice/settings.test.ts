import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors/input-error.ts';
import { resolveRenderOptions, type RawRenderOptions } from '../../../../src/producer/render-options.ts';
import { cosyVoiceDefinition } from '../../../../src/providers/cosyvoice/definition.ts';
import { runTaskParameters } from '../../../../src/providers/cosyvoice/protocol-messages.ts';

function resolve(raw: RawRenderOptions) {
  return resolveRenderOptions(cosyVoiceDefinition, raw);
}

function refusal(raw: RawRenderOptions): InputError {
  try {
    resolve(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

describe('CosyVoice render options', () => {
  it('defaults to the documented mp3 at 22,050 Hz, mono, no bitrate, cosyvoice-v2 and a v2 voice', () => {
    expect(resolve({})).toEqual({
      model: 'cosyvoice-v2',
      voice: 'longxiaochun_v2',
      audio: { format: 'mp3', sampleRate: 22050, channels: 1 },
      voiceSettings: {},
    });
  });

  it('accepts every documented sample rate and wav / pcm', () => {
    for (const sampleRate of [8000, 16000, 22050, 24000, 44100, 48000]) {
      expect(resolve({ sampleRate }).audio.sampleRate).toBe(sampleRate);
    }
    expect(resolve({ format: 'wav' }).audio.format).toBe('wav');
    expect(resolve({ format: 'pcm', sampleRate: 16000 }).audio).toEqual({ format: 'pcm', sampleRate: 16000, channels: 1 });
  });

  it('takes speed, vol and pitch at their documented bounds', () => {
    expect(resolve({ voiceSettings: { speed: 0.5, vol: 0, pitch: 2 } }).voiceSettings).toEqual({ speed: 0.5, vol: 0, pitch: 2 });
    expect(resolve({ voiceSettings: { speed: 2, vol: 100, pitch: 0.5 } }).voiceSettings).toEqual({ speed: 2, vol: 100, pitch: 0.5 });
  });

  it.each([
    [{ voiceSettings: { vol: 101 } }, 'vol'],
    [{ voiceSettings: { vol: -1 } }, 'vol'],
    [{ voiceSettings: { vol: 50.5 } }, 'vol'],
    [{ voiceSettings: { speed: 0.4 } }, 'speed'],
    [{ voiceSettings: { speed: 2.1 } }, 'speed'],
    [{ voiceSettings: { pitch: 0 } }, 'pitch'],
    [{ voiceSettings: { pitch: 2.5 } }, 'pitch'],
  ] satisfies [RawRenderOptions, string][])('refuses %j, naming the field', (raw, field) => {
    expect(refusal(raw).field).toBe(field);
  });

  it.each(['blend', 'refAudio', 'refText', 'systemPrompt', 'multiSpeaker', 'temperature', 'topK', 'topP'])(
    'refuses the setting %s by name: CosyVoice has no such thing',
    (name) => {
      const value =
        name === 'blend'
          ? [{ voice: 'x', weight: 1 }]
          : name === 'multiSpeaker'
            ? true
            : name.startsWith('ref')
              ? ['a']
              : name === 'systemPrompt'
                ? 'x'
                : 0.5;
      const error = refusal({ voiceSettings: { [name]: value } });
      expect(error.field).toBe(name);
      expect(error.message).toMatch(/cosyvoice has no such setting/);
    },
  );

  it('takes wordTimestamps as a switch, and nothing else under that name', () => {
    expect(resolve({ voiceSettings: { wordTimestamps: true } }).voiceSettings).toEqual({ wordTimestamps: true });
    expect(refusal({ voiceSettings: { wordTimestamps: 'yes' } }).field).toBe('wordTimestamps');
  });

  it('refuses a bitrate: CosyVoice takes one for opus only', () => {
    const error = refusal({ bitrate: 64000 });
    expect(error.field).toBe('bitrate');
    expect(error.message).toMatch(/cosyvoice takes none/);
  });

  it.each([
    [{ channels: 2 }, 'channels'],
    [{ sampleRate: 32000 }, 'sampleRate'],
    [{ format: 'opus' }, 'segmentFormat'],
    [{ format: 'flac' }, 'segmentFormat'],
  ] satisfies [RawRenderOptions, string][])('refuses %j', (raw, field) => {
    expect(refusal(raw).field).toBe(field);
  });
});

describe('runTaskParameters', () => {
  const base = {
    text: '你好',
    voice: 'longxiaochun_v2',
    model: 'cosyvoice-v2',
    audio: { format: 'mp3' as const, sampleRate: 24000, channels: 1 as const },
  };

  it('maps the generic names to the wire: vol → volume, speed → rate, pitch → pitch', () => {
    expect(runTaskParameters({ ...base, voiceSettings: { vol: 80, speed: 1.25, pitch: 0.8 } })).toEqual({
      text_type: 'PlainText',
      voice: 'longxiaochun_v2',
      format: 'mp3',
      sample_rate: 24000,
      volume: 80,
      rate: 1.25,
      pitch: 0.8,
    });
  });

  it('sends word_timestamp_enabled only when wordTimestamps is on (the service default is off)', () => {
    expect(runTaskParameters({ ...base, voiceSettings: { wordTimestamps: true } })).toMatchObject({ word_timestamp_enabled: true });
    expect(runTaskParameters({ ...base, voiceSettings: { wordTimestamps: false } })).not.toHaveProperty('word_timestamp_enabled');
  });

  it('sends the documented defaults when a setting is not given', () => {
    expect(runTaskParameters({ ...base, voiceSettings: {} })).toMatchObject({ volume: 50, rate: 1, pitch: 1 });
  });
});
