import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/runtime/app-config.ts';
import { ConfigError } from '../../../../src/errors/config-error.ts';
import { providerLimits } from '../../../../src/providers/provider-limits.ts';
import { providerDefinition } from '../../../../src/providers/registry.ts';
import { SenseNovaClient } from '../../../../src/providers/sensenova/client.ts';
import { senseNovaCredentials, senseNovaDefinition } from '../../../../src/providers/sensenova/definition.ts';

describe('senseNovaDefinition', () => {
  it('is registered as sensenova', () => {
    expect(providerDefinition('sensenova')).toBe(senseNovaDefinition);
  });

  it('takes an API key or an AccessKey pair, and says what is missing', () => {
    expect(senseNovaCredentials(loadConfig({ SENSENOVA_API_KEY: 'k' }))).toEqual({ apiKey: 'k' });
    expect(senseNovaCredentials(loadConfig({ SENSENOVA_ACCESS_KEY_ID: 'id', SENSENOVA_SECRET_ACCESS_KEY: 's' }))).toEqual({
      accessKeyId: 'id',
      secretAccessKey: 's',
    });
    const none = loadConfig({});
    expect(senseNovaDefinition.credentialsSet(none)).toBe(false);
    expect(() => senseNovaDefinition.create(none)).toThrow(/SenseNova credentials are not set/);
    const half = loadConfig({ SENSENOVA_ACCESS_KEY_ID: 'id' });
    expect(senseNovaDefinition.credentialsSet(half)).toBe(false);
    expect(() => senseNovaDefinition.create(half)).toThrow(/SENSENOVA_ACCESS_KEY_ID is set but SENSENOVA_SECRET_ACCESS_KEY is not/);
    const both = loadConfig({ SENSENOVA_API_KEY: 'k', SENSENOVA_ACCESS_KEY_ID: 'id', SENSENOVA_SECRET_ACCESS_KEY: 's' });
    expect(() => senseNovaDefinition.create(both)).toThrow(ConfigError);
    expect(() => senseNovaDefinition.create(both)).toThrow(/not both/);
  });

  it('builds a client from the config: base URL, output mode and text limit', async () => {
    const config = loadConfig({
      SENSENOVA_API_KEY: 'k',
      SENSENOVA_BASE_URL: 'http://127.0.0.1:9/v1',
      SENSENOVA_OUTPUT: 'url',
      SENSENOVA_MAX_CHARS: '3000',
    });
    expect(config.SENSENOVA_BASE_URL).toBe('http://127.0.0.1:9/v1');
    const client = senseNovaDefinition.create(config);
    expect(client).toBeInstanceOf(SenseNovaClient);
    expect((client as SenseNovaClient).output).toBe('url');
    expect(client.limits.maxUnits).toBe(3000);
    expect(client.limits.targetUnits).toBe(2250);
    await client.close();
  });

  it('defaults to the official base URL, streaming, and 2,000 code points aiming at 1,500', () => {
    const config = loadConfig({});
    expect(config.SENSENOVA_BASE_URL).toBe('https://api.sensenova.cn/v1');
    expect(config.SENSENOVA_OUTPUT).toBe('stream');
    expect(senseNovaDefinition.limits.maxUnits).toBe(2000);
    expect(senseNovaDefinition.limits.targetUnits).toBe(1500);
    expect(senseNovaDefinition.limits.count('明月几时有😀')).toBe(6);
  });

  it('plans with SENSENOVA_MAX_CHARS from the parsed config, and refuses a bad one', () => {
    expect(providerLimits(senseNovaDefinition, loadConfig({ SENSENOVA_MAX_CHARS: '8000' }))).toMatchObject({
      maxUnits: 8000,
      targetUnits: 3000,
    });
    expect(() => loadConfig({ SENSENOVA_MAX_CHARS: '12abc' })).toThrow(/SENSENOVA_MAX_CHARS/);
    expect(() => loadConfig({ SENSENOVA_MAX_CHARS: '50' })).toThrow(ConfigError);
    expect(() => loadConfig({ SENSENOVA_OUTPUT: 'file' })).toThrow(/SENSENOVA_OUTPUT/);
  });

  it('offers only what the API documents, and defaults inside it', () => {
    const { defaultAudio, formats, sampleRates, bitrates, channels } = senseNovaDefinition;
    expect(formats).toEqual(['mp3', 'wav', 'pcm']);
    expect(sampleRates).toContain(defaultAudio.sampleRate);
    expect(channels).toContain(defaultAudio.channels);
    expect(bitrates).toContain(defaultAudio.bitrate);
  });
});
