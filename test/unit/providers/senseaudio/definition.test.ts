import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/runtime/app-config.ts';
import { ConfigError } from '../../../../src/errors/config-error.ts';
import { SenseAudioClient } from '../../../../src/providers/senseaudio/client.ts';
import { senseAudioDefinition } from '../../../../src/providers/senseaudio/definition.ts';
import { buildRequestBody } from '../../../../src/providers/senseaudio/request-body.ts';

describe('senseAudioDefinition', () => {
  it('needs SENSEAUDIO_API_KEY and says so when it is missing', () => {
    const without = loadConfig({});
    expect(senseAudioDefinition.credentialsSet(without)).toBe(false);
    expect(() => senseAudioDefinition.create(without)).toThrow(ConfigError);
    expect(() => senseAudioDefinition.create(without)).toThrow(/SENSEAUDIO_API_KEY is not set/);
  });

  it('builds a client from the key and base URL', async () => {
    const config = loadConfig({ SENSEAUDIO_API_KEY: 'k-1', SENSEAUDIO_BASE_URL: 'http://127.0.0.1:9' });
    expect(senseAudioDefinition.credentialsSet(config)).toBe(true);
    const client = senseAudioDefinition.create(config);
    expect(client).toBeInstanceOf(SenseAudioClient);
    expect(client.name).toBe('senseaudio');
    expect(client.limits.maxUnits).toBe(10_000);
    await client.close();
  });

  it('counts code points against the 10,000 limit and aims below it', () => {
    const { limits } = senseAudioDefinition;
    expect(limits.count('道可道😀')).toBe(4);
    expect(limits.targetUnits).toBeLessThan(limits.maxUnits);
  });

  it('offers only what the API documents, and defaults inside it', () => {
    const { defaultAudio, formats, sampleRates, bitrates, channels } = senseAudioDefinition;
    expect(formats).toContain(defaultAudio.format);
    expect(sampleRates).toContain(defaultAudio.sampleRate);
    expect(channels).toContain(defaultAudio.channels);
    expect(bitrates).toContain(defaultAudio.bitrate);
    expect(senseAudioDefinition.voiceSettingsSchema.safeParse({ vol: 0 }).success).toBe(false);
  });
});

describe('buildRequestBody', () => {
  // Issue 10 defect 2: MiniMax's stream_options is no longer sent by default (it was before).
  it('asks for SSE with only the documented fields and maps voice and audio settings', () => {
    const body = buildRequestBody({
      text: '你好',
      voice: 'male_0004_a',
      model: 'SenseAudio-TTS-1.0',
      audio: { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 },
      voiceSettings: { speed: 1.2, pitch: -3, latex_read: false },
    });
    expect(body).toEqual({
      model: 'SenseAudio-TTS-1.0',
      text: '你好',
      stream: true,
      voice_setting: { voice_id: 'male_0004_a', speed: 1.2, pitch: -3, latex_read: false },
      audio_setting: { format: 'mp3', sample_rate: 24000, channel: 1, bitrate: 64000 },
    });
  });

  it('adds MiniMax exclude_aggregated_audio only when asked (SENSEAUDIO_EXCLUDE_AGGREGATED_AUDIO)', () => {
    const segment = {
      text: 'x',
      voice: 'v',
      model: 'm',
      audio: { format: 'pcm', sampleRate: 16000, channels: 1 },
      voiceSettings: {},
    } as const;
    expect(buildRequestBody(segment)).not.toHaveProperty('stream_options');
    expect(buildRequestBody(segment, { excludeAggregatedAudio: true }).stream_options).toEqual({ exclude_aggregated_audio: true });
    expect(loadConfig({}).SENSEAUDIO_EXCLUDE_AGGREGATED_AUDIO).toBe(false);
    expect(loadConfig({ SENSEAUDIO_EXCLUDE_AGGREGATED_AUDIO: 'true' }).SENSEAUDIO_EXCLUDE_AGGREGATED_AUDIO).toBe(true);
  });

  it('sends no bitrate for formats other than mp3', () => {
    const body = buildRequestBody({
      text: 'x',
      voice: 'v',
      model: 'm',
      audio: { format: 'wav', sampleRate: 16000, channels: 2, bitrate: 64000 },
      voiceSettings: {},
    });
    expect(body.audio_setting).toEqual({ format: 'wav', sample_rate: 16000, channel: 2 });
  });
});
