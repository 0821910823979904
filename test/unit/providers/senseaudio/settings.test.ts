import { describe, expect, it } from 'vitest';
import { senseAudioAudioSettingsSchema, senseAudioVoiceSettingsSchema } from '../../../../src/providers/senseaudio/settings.ts';

describe('senseAudioVoiceSettingsSchema', () => {
  it('accepts documented settings at their bounds and leaves absent ones out', () => {
    expect(senseAudioVoiceSettingsSchema.parse({ speed: 0.5, vol: 10, pitch: -12, latex_read: true })).toEqual({
      speed: 0.5,
      vol: 10,
      pitch: -12,
      latex_read: true,
    });
    expect(senseAudioVoiceSettingsSchema.parse({ speed: 2 })).toEqual({ speed: 2 });
    expect(Object.keys(senseAudioVoiceSettingsSchema.parse({}))).toEqual([]);
  });

  it.each([
    [{ speed: 0.49 }, 'speed'],
    [{ speed: 2.01 }, 'speed'],
    [{ vol: 0 }, 'vol'],
    [{ vol: 10.5 }, 'vol'],
    [{ pitch: 1.5 }, 'pitch'],
    [{ pitch: 13 }, 'pitch'],
    [{ latex_read: 'yes' }, 'latex_read'],
    [{ emotion: 'happy' }, 'emotion'],
  ])('refuses %j, naming %s', (input, field) => {
    const result = senseAudioVoiceSettingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(field);
  });
});

describe('senseAudioAudioSettingsSchema', () => {
  it('fills documented defaults, mono by our choice, and the mp3 bitrate', () => {
    expect(senseAudioAudioSettingsSchema.parse({})).toEqual({ format: 'mp3', sampleRate: 32000, channels: 1, bitrate: 128000 });
    expect(senseAudioAudioSettingsSchema.parse({ format: 'wav', sampleRate: 24000, channels: 2 })).toEqual({
      format: 'wav',
      sampleRate: 24000,
      channels: 2,
    });
  });

  it.each([
    [{ format: 'ogg' }, 'format'],
    [{ sampleRate: 48000 }, 'sampleRate'],
    [{ bitrate: 96000 }, 'bitrate'],
    [{ format: 'wav', bitrate: 64000 }, 'bitrate applies to mp3 only'],
    [{ channels: 3 }, 'channels'],
  ])('refuses %j (%s)', (input, problem) => {
    const result = senseAudioAudioSettingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(problem);
  });
});
