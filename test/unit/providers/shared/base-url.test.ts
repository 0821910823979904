import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/errors/config-error.ts';
import { Ai302Client } from '../../../../src/providers/ai302/client.ts';
import { ai302Limits } from '../../../../src/providers/ai302/limits.ts';
import { CosyVoiceClient } from '../../../../src/providers/cosyvoice/client.ts';
import { SenseAudioClient } from '../../../../src/providers/senseaudio/client.ts';
import { SenseNovaClient } from '../../../../src/providers/sensenova/client.ts';
import { parseBaseUrl } from '../../../../src/providers/shared/base-url.ts';

/** The ConfigError `build` throws, for its message and value. */
function configErrorOf(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError was thrown');
}

describe('parseBaseUrl', () => {
  it('returns the parsed URL, path prefix kept', () => {
    const url = parseBaseUrl('https://proxy.example/tts/', 'X_BASE_URL');
    expect(url.origin).toBe('https://proxy.example');
    expect(url.pathname).toBe('/tts/');
  });

  it('refuses text that is not a URL, naming the variable and carrying the value', () => {
    const error = configErrorOf(() => parseBaseUrl('not a url', 'X_BASE_URL'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/^X_BASE_URL is not a URL: /);
    expect(error.value).toBe('not a url');
  });

  it('refuses a scheme outside the allowed ones', () => {
    const error = configErrorOf(() => parseBaseUrl('https://dashscope.example/ws', 'X_WS_URL', ['ws:', 'wss:']));
    expect(error.message).toBe('X_WS_URL must be a ws:// or wss:// URL');
    expect(error.value).toBe('https://dashscope.example/ws');
    expect(parseBaseUrl('wss://dashscope.example/ws', 'X_WS_URL', ['ws:', 'wss:']).protocol).toBe('wss:');
  });
});

/** The four clients keep the messages they wrote before the check was shared. */
describe('provider clients refuse a bad base URL', () => {
  it('ai302', () => {
    const error = configErrorOf(
      () =>
        new Ai302Client({
          apiKey: 'key',
          baseUrl: '::',
          clonePath: '/clone',
          generatePath: '/generate',
          limits: ai302Limits(2000),
          polling: { firstPollMs: 1000, maxIntervalMs: 5000, deadlineMs: 60_000 },
        }),
    );
    expect(error.message).toMatch(/^AI302_BASE_URL is not a URL: /);
    expect(error.value).toBe('::');
  });

  it('senseaudio', () => {
    const error = configErrorOf(() => new SenseAudioClient({ apiKey: 'key', baseUrl: '::' }));
    expect(error.message).toMatch(/^SENSEAUDIO_BASE_URL is not a URL: /);
    expect(error.value).toBe('::');
  });

  it('sensenova', () => {
    const error = configErrorOf(() => new SenseNovaClient({ credentials: { apiKey: 'key' }, baseUrl: '::' }));
    expect(error.message).toMatch(/^SENSENOVA_BASE_URL is not a URL: /);
    expect(error.value).toBe('::');
  });

  it('cosyvoice: not a URL, and not a WebSocket URL', () => {
    const notUrl = configErrorOf(() => new CosyVoiceClient({ apiKey: 'key', url: '::' }));
    expect(notUrl.message).toMatch(/^DASHSCOPE_WS_URL is not a URL: /);
    expect(notUrl.value).toBe('::');
    const notWs = configErrorOf(() => new CosyVoiceClient({ apiKey: 'key', url: 'https://dashscope.aliyuncs.com/api-ws/v1/inference' }));
    expect(notWs.message).toBe('DASHSCOPE_WS_URL must be a ws:// or wss:// URL');
    expect(notWs.value).toBe('https://dashscope.aliyuncs.com/api-ws/v1/inference');
  });
});
