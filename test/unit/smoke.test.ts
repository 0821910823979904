import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/app-config.ts';

describe('loadConfig', () => {
  it('defaults Redis and the queue prefix', () => {
    const config = loadConfig({});
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.QUEUE_PREFIX).toBe('ttsb');
  });

  it('names the variable and the rule when a value is bad', () => {
    expect(() => loadConfig({ QUEUE_PREFIX: 'a:b' })).toThrow(/QUEUE_PREFIX: letters, digits/);
  });
});
