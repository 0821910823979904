import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { assertSafeKey, MAX_KEY_BYTES, toSafeName } from '../../../src/storage/storage-key.ts';
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

describe('toSafeName', () => {
  it('keeps letters of any script, digits, inner spaces and the allowed punctuation', () => {
    expect(toSafeName("01 - Alice's (Vol. 1), Part A & B + C!", 200)).toBe("01 - Alice's (Vol. 1), Part A & B + C!");
    expect(toSafeName('三体 第一部', 200)).toBe('三体 第一部');
  });

  it('turns every other character into a space, runs of them one, none at either end', () => {
    expect(toSafeName('a:b/c\\d?e*f"g<h>i|j', 200)).toBe('a b c d e f g h i j');
    expect(toSafeName(' \t 📚 Title 🎉 \n', 200)).toBe('Title');
    expect(toSafeName('right\u202eto\u200bleft\u2066x\u2069', 200)).toBe('right to left x');
  });

  it('an emoji goes with its variation selector, and a joiner inside a word only vanishes', () => {
    expect(toSafeName('❤️ Love', 200)).toBe('Love');
    expect(toSafeName('I ❤️ NY', 200)).toBe('I NY');
    expect(toSafeName('क्\u200dष', 200)).toBe('क्ष');
  });

  it('no dot at the start (a hidden file) or the end', () => {
    expect(toSafeName('..a.b..', 200)).toBe('a.b');
    expect(toSafeName(' . . ', 200)).toBe('');
  });

  it('composes (NFC), so macOS and Linux agree on the bytes', () => {
    expect(toSafeName('Cafe\u0301', 200)).toBe('Caf\u00e9');
  });

  it('cuts to maxBytes of UTF-8 without splitting a character', () => {
    expect(toSafeName('né', 2)).toBe('n');
    expect(toSafeName('中中', 5)).toBe('中');
    expect(toSafeName('😀'.repeat(3), 7)).toBe('');
    expect(toSafeName('𠀀𠀀', 7)).toBe('𠀀');
  });

  it('cuts a letter and its combining marks together (one character to a reader)', () => {
    // q + U+0301 and Devanagari ka + vowel sign i have no precomposed form.
    expect(toSafeName('q\u0301q\u0301', 4)).toBe('q\u0301');
    expect(toSafeName('aकि', 6)).toBe('a');
  });

  it('an empty result when nothing is left', () => {
    for (const text of ['', '   ', '...', '📚', '\u202e', '/:?']) expect(toSafeName(text, 200)).toBe('');
  });

  it('whatever it gets, the result is "" or a safe key segment within maxBytes', () => {
    const samples = ['a/../b', '..', 'x\u0000y', ' lead', 'trail ', `${'ß'.repeat(300)}`, 'a\u0301'.repeat(50), '😀a😀'];
    for (const text of samples) {
      for (const maxBytes of [1, 2, 3, 10, 200]) {
        const name = toSafeName(text, maxBytes);
        expect(Buffer.byteLength(name, 'utf8'), `${JSON.stringify(text)} @ ${maxBytes}`).toBeLessThanOrEqual(maxBytes);
        if (name !== '') expect(assertSafeKey(name)).toBe(name);
      }
    }
  });
});
