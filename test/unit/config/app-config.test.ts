import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/runtime/app-config.ts';
import { ConfigError } from '../../../src/errors/config-error.ts';
import { PROVIDERS } from '../../../src/providers/registry.ts';

describe('loadConfig merges every provider’s config fragment into the shared one', () => {
  it('parses each provider’s variables with their defaults, beside the shared ones', () => {
    const config = loadConfig({});
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.SENSEAUDIO_BASE_URL).toBe('https://api.senseaudio.cn');
    expect(config.SENSENOVA_OUTPUT).toBe('stream');
    expect(config.ESPEAK_NG_PATH).toBe('espeak-ng');
    expect(config.COSYVOICE_TARGET_UNITS).toBe(6000);
    expect(config.AI302_POLL_MAX_MS).toBe(15_000);
    expect(config.SENSEAUDIO_API_KEY).toBeUndefined();
  });

  it('holds what each fragment parses on its own', () => {
    const env = { SENSEAUDIO_API_KEY: 'k1', SENSENOVA_API_KEY: 'k2', AI302_API_KEY: 'k3', DASHSCOPE_API_KEY: 'k4' };
    const config = loadConfig(env);
    for (const definition of PROVIDERS.values()) expect(config, definition.name).toMatchObject(definition.configSchema.parse(env));
  });

  it('names every bad variable, shared or a provider’s, in one error', () => {
    const attempt = (): unknown => loadConfig({ WORKER_CONCURRENCY: '0', SENSENOVA_MAX_CHARS: '12abc', DASHSCOPE_WS_URL: 'http://x' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^invalid environment: .*WORKER_CONCURRENCY: .*; .*SENSENOVA_MAX_CHARS: .*; DASHSCOPE_WS_URL: /);
  });
});
