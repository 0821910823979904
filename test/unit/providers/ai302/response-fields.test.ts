import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/runtime/app-config.ts';
import { ai302Definition } from '../../../../src/providers/ai302/definition.ts';
import { providerLimits } from '../../../../src/providers/provider-limits.ts';
import { ai302Limits } from '../../../../src/providers/ai302/limits.ts';
import { readAudioUrl, readBilledCharacters, readTaskId, unwrapAnswer } from '../../../../src/providers/ai302/response-fields.ts';
import { ConfigError } from '../../../../src/errors/config-error.ts';

describe('unwrapAnswer', () => {
  it('takes a flat answer as it is and a wrapped one by its data', () => {
    expect(unwrapAnswer({ task_id: 't1', status: 'pending' })).toEqual({ payload: { task_id: 't1', status: 'pending' } });
    expect(unwrapAnswer({ code: 0, msg: 'success', data: { task_id: 't2' } })).toEqual({ payload: { task_id: 't2' } });
    expect(unwrapAnswer({ code: 200, message: 'ok', data: { taskid: 't3' } })).toEqual({ payload: { taskid: 't3' } });
  });

  it('reports a failing code in a wrapper, or a bare error body, as a business error', () => {
    expect(unwrapAnswer({ code: 400, msg: 'top_k out of range', data: null })).toEqual({
      error: { code: 400, message: 'top_k out of range' },
    });
    expect(unwrapAnswer({ error: { err_code: -10001, message: 'bad' } })).toEqual({ error: { code: -10001, message: 'bad' } });
    expect(unwrapAnswer({ detail: [{ msg: 'field required' }], error: 'x' }).error?.message).toBe('x');
    expect(unwrapAnswer('plain text').error).toBeDefined();
  });
});

describe('field readers', () => {
  it('finds the task id under each name seen', () => {
    for (const body of [{ task_id: 'a' }, { taskid: 'a' }, { taskId: 'a' }, { id: 'a' }, { task: { id: 'a' } }])
      expect(readTaskId(body)).toBe('a');
    expect(readTaskId({ task_id: 12345 })).toBe('12345');
    expect(readTaskId({ status: 'pending' })).toBeUndefined();
  });

  it('takes only real http(s) links as the audio URL', () => {
    expect(readAudioUrl({ audio_url: 'https://x/a.wav' })).toBe('https://x/a.wav');
    expect(readAudioUrl({ url: 'https://x/b.wav' })).toBe('https://x/b.wav');
    expect(readAudioUrl({ output: { url: 'https://x/c.wav' } })).toBe('https://x/c.wav');
    expect(readAudioUrl({ data: { url: 'https://x/d.wav' } })).toBe('https://x/d.wav');
    expect(readAudioUrl({ results: [{ url: 'https://x/e.wav' }] })).toBe('https://x/e.wav');
    expect(readAudioUrl({ result: 'success', audio: 'base64…' })).toBeUndefined();
  });

  it('reads billed characters only when they are a whole count', () => {
    expect(readBilledCharacters({ usage: { characters: 12 } })).toBe(12);
    expect(readBilledCharacters({ usage_characters: '7' })).toBe(7);
    expect(readBilledCharacters({ usage: { total_tokens: 30 } })).toBeUndefined();
    expect(readBilledCharacters({ characters: -1 })).toBeUndefined();
  });
});

describe('ai302 limits', () => {
  it('aims at three quarters of the ceiling, counting code points', () => {
    const limits = ai302Limits(2000);
    expect(limits).toMatchObject({ maxUnits: 2000, targetUnits: 1500 });
    expect(limits.count('😀 ab')).toBe(4);
    expect(ai302Limits(20_000).targetUnits).toBe(4000);
  });

  it('plans with AI302_MAX_CHARS from the parsed config, and refuses a bad one at parse time', () => {
    expect(providerLimits(ai302Definition, loadConfig({})).maxUnits).toBe(2000);
    expect(providerLimits(ai302Definition, loadConfig({ AI302_MAX_CHARS: '5000' })).maxUnits).toBe(5000);
    expect(() => loadConfig({ AI302_MAX_CHARS: '10' })).toThrow(ConfigError);
  });
});
