import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/runtime/app-config.ts';
import { ConfigError } from '../../../../src/errors/config-error.ts';
import { CosyVoiceClient } from '../../../../src/providers/cosyvoice/client.ts';
import { cosyVoiceDefinition } from '../../../../src/providers/cosyvoice/definition.ts';
import { cosyVoiceLimits, cosyVoiceLimitsFromConfig } from '../../../../src/providers/cosyvoice/limits.ts';
import { providerDefinition } from '../../../../src/providers/registry.ts';

describe('cosyVoiceDefinition', () => {
  it('is registered as "cosyvoice"', () => {
    expect(providerDefinition('cosyvoice')).toBe(cosyVoiceDefinition);
  });

  it('needs DASHSCOPE_API_KEY and says so when it is missing', () => {
    const without = loadConfig({});
    expect(cosyVoiceDefinition.credentialsSet(without)).toBe(false);
    expect(() => cosyVoiceDefinition.create(without)).toThrow(ConfigError);
    expect(() => cosyVoiceDefinition.create(without)).toThrow(/DASHSCOPE_API_KEY is not set/);
  });

  it('builds a client from the key, the WebSocket URL and the configured limits', async () => {
    const config = loadConfig({
      DASHSCOPE_API_KEY: 'sk-1',
      DASHSCOPE_WS_URL: 'ws://127.0.0.1:9/api-ws/v1/inference',
      COSYVOICE_TASK_MAX_UNITS: '50000',
      COSYVOICE_TARGET_UNITS: '4000',
    });
    expect(cosyVoiceDefinition.credentialsSet(config)).toBe(true);
    const client = cosyVoiceDefinition.create(config);
    expect(client).toBeInstanceOf(CosyVoiceClient);
    expect(client.name).toBe('cosyvoice');
    expect(client.limits.maxUnits).toBe(50_000);
    expect(client.limits.targetUnits).toBe(4_000);
    await client.close();
  });

  it('defaults to the real service and to 200,000 per task, aiming at 6,000, 2,000 per message', () => {
    const config = loadConfig({});
    expect(config.DASHSCOPE_WS_URL).toBe('wss://dashscope.aliyuncs.com/api-ws/v1/inference');
    expect(config.COSYVOICE_MESSAGE_MAX_UNITS).toBe(2_000);
    const limits = cosyVoiceLimitsFromConfig(config);
    expect([limits.maxUnits, limits.targetUnits]).toEqual([200_000, 6_000]);
    // The definition's default limits agree with the default config.
    expect([cosyVoiceDefinition.limits.maxUnits, cosyVoiceDefinition.limits.targetUnits]).toEqual([200_000, 6_000]);
  });

  it('counts a Han character as 2 and anything else as 1', () => {
    expect(cosyVoiceDefinition.limits.count('中A文123')).toBe(8);
    expect(cosyVoiceDefinition.limits.count('<speak>你好<speak/>')).toBe(19);
  });

  it('refuses limits that make no sense, naming the variable', () => {
    expect(() => cosyVoiceLimitsFromConfig(loadConfig({ COSYVOICE_TASK_MAX_UNITS: '5000', COSYVOICE_TARGET_UNITS: '6000' }))).toThrow(
      /COSYVOICE_TARGET_UNITS must be an integer from 1 to COSYVOICE_TASK_MAX_UNITS \(5000\)/,
    );
    expect(() => loadConfig({ COSYVOICE_TASK_MAX_UNITS: '200001' })).toThrow(/COSYVOICE_TASK_MAX_UNITS/);
    expect(() => loadConfig({ COSYVOICE_MESSAGE_MAX_UNITS: '20001' })).toThrow(/COSYVOICE_MESSAGE_MAX_UNITS/);
    expect(() => loadConfig({ DASHSCOPE_WS_URL: 'https://dashscope.aliyuncs.com/api-ws/v1/inference' })).toThrow(/DASHSCOPE_WS_URL/);
    expect(() => cosyVoiceLimits({ taskMaxUnits: 300_000, targetUnits: 6000 })).toThrow(ConfigError);
  });

  it('offers only what the service documents, with defaults inside it', () => {
    const { defaultAudio, formats, sampleRates, bitrates, channels } = cosyVoiceDefinition;
    expect(formats).toContain(defaultAudio.format);
    expect(sampleRates).toContain(defaultAudio.sampleRate);
    expect(channels).toEqual([1]);
    expect(bitrates).toEqual([]);
    expect(defaultAudio.bitrate).toBeUndefined();
  });

  it('refuses an empty key and a URL that is not a WebSocket URL', () => {
    expect(() => new CosyVoiceClient({ apiKey: ' ', url: 'ws://127.0.0.1:1/' })).toThrow(/DASHSCOPE_API_KEY is empty/);
    expect(() => new CosyVoiceClient({ apiKey: 'k', url: 'http://127.0.0.1:1/' })).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => new CosyVoiceClient({ apiKey: 'k', url: 'ws://127.0.0.1:1/', messageMaxUnits: 30_000 })).toThrow(
      /COSYVOICE_MESSAGE_MAX_UNITS/,
    );
  });
});
