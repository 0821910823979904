import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/config-error.ts';
import { loadConfig } from '../../../src/runtime/app-config.ts';
import { checkProviderSettings } from '../../../src/worker/fleet-limits.ts';

describe('per-provider settings (PROVIDER_MAX_CONCURRENCY, PROVIDER_RATE_LIMIT, PROVIDER_PRICE_PER_MILLION)', () => {
  it('parse name=value lists, names lower-cased', () => {
    const config = loadConfig({
      PROVIDER_MAX_CONCURRENCY: 'senseaudio=6, CosyVoice=4',
      PROVIDER_RATE_LIMIT: 'senseaudio=20/1000',
      PROVIDER_PRICE_PER_MILLION: 'senseaudio=15.5,cosyvoice=0',
    });
    expect(config.PROVIDER_MAX_CONCURRENCY).toEqual({ senseaudio: 6, cosyvoice: 4 });
    expect(config.PROVIDER_RATE_LIMIT).toEqual({ senseaudio: { max: 20, durationMs: 1000 } });
    expect(config.PROVIDER_PRICE_PER_MILLION).toEqual({ senseaudio: 15.5, cosyvoice: 0 });
    expect(loadConfig({}).PROVIDER_MAX_CONCURRENCY).toEqual({});
  });

  it('refuse what is not name=value, a name twice, a bad value, with the setting named', () => {
    for (const [env, message] of [
      [{ PROVIDER_MAX_CONCURRENCY: 'senseaudio' }, /PROVIDER_MAX_CONCURRENCY: "senseaudio" is not name=value/],
      [{ PROVIDER_MAX_CONCURRENCY: 'senseaudio=2,senseaudio=3' }, /senseaudio is given twice/],
      [{ PROVIDER_MAX_CONCURRENCY: 'senseaudio=0' }, /PROVIDER_MAX_CONCURRENCY: senseaudio: .*>=1/],
      [{ PROVIDER_RATE_LIMIT: 'senseaudio=20' }, /PROVIDER_RATE_LIMIT: senseaudio: must be MAX\/MS/],
    ] as const)
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
  });

  it('a name that is no provider is refused at worker start', () => {
    const config = loadConfig({ PROVIDER_MAX_CONCURRENCY: 'sensaudio=6' });
    expect(() => checkProviderSettings(config, ['senseaudio', 'cosyvoice'])).toThrow(ConfigError);
    expect(() => checkProviderSettings(config, ['senseaudio', 'cosyvoice'])).toThrow(
      /PROVIDER_MAX_CONCURRENCY: "sensaudio" is not a provider/,
    );
  });
});
