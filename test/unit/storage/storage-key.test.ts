import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { assertSafeKey, MAX_KEY_BYTES } from '../../../src/storage/storage-key.ts';
import { thrownBy } from '../../support/storage-contract.ts';

describe('assertSafeKey', () => {
  it('returns safe keys unchanged', () => {
    for (const key of [
      'a',
      'renders/abc/audio.mp3',
      'x/.hidden/y_z-1.2',
      '...',
      'a..b/c',
      'a'.repeat(MAX_KEY_BYTES),
      'The Sample Book/01 - Chapter One.mp3',
      'café/三体.m4b',
    ]) {
      expect(assertSafeKey(key)).toBe(key);
    }
  });

  it.each([
    ['', /is empty/],
    ['../etc/passwd', /has a "\.\." segment/],
    ['a/../../b', /has a "\.\." segment/],
    ['..', /has a "\.\." segment/],
    ['a/./b', /has a "\." segment/],
    ['/abs/path', /starts with "\/"/],
    ['a\\..\\b', /backslash/],
    ['a\0b', /NUL/],
    ['a//b', /empty segment/],
    ['a/', /empty segment/],
    [' a', /characters other than/],
    ['a ', /characters other than/],
    ['a\u202eb', /characters other than/],
    ['a\u200bb', /characters other than/],
    ['a:b', /characters other than/],
    ['a;b', /characters other than/],
    ['a'.repeat(MAX_KEY_BYTES + 1), /longer than 1024 bytes/],
  ])('refuses %j: %s', (key, problem) => {
    const error = thrownBy(() => assertSafeKey(key));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('key');
    expect((error as InputError).value).toBe(key);
    expect((error as InputError).message).toMatch(problem);
  });

  it('keeps a hostile key short in the message', () => {
    const key = `${'a'.repeat(5000)} b`;
    const error = thrownBy(() => assertSafeKey(key)) as InputError;
    expect(error.message.length).toBeLessThan(400);
  });

  it('refuses a value that is not a string (job data is untyped)', () => {
    expect(() => assertSafeKey(42 as unknown as string)).toThrow(/must be a string, got number/);
  });
});
