import { describe, expect, it } from 'vitest';
import { bookFileName, bookNames, bookSlug, nameOfInputFile } from '../../../src/render/book-name.ts';
import { assertSafeKey } from '../../../src/storage/storage-key.ts';

/** The user-perceived characters of a string, as a reader counts them. */
function graphemes(text: string): string[] {
  return [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((part) => part.segment);
}

/** Characters no name may carry: controls, format characters (bidi overrides, zero-width), emoji. */
const INVISIBLE_OR_PICTURE = /[\p{Cc}\p{Cf}\p{Extended_Pictographic}]/u;

/** ext4, APFS and most others: one name is at most 255 bytes. */
const NAME_MAX_BYTES = 255;

describe('bookSlug: the folder name', () => {
  it.each([
    ['The Sample Book', 'the-sample-book'],
    ['Dune: Part Two!', 'dune-part-two'],
    ["L'Étranger", 'l-étranger'],
    ['  --Hello,   World--  ', 'hello-world'],
    ['R.U.R. (Rossum’s Universal Robots)', 'r-u-r-rossum-s-universal-robots'],
    ['C++ & Rust / 2nd ed.', 'c-rust-2nd-ed'],
    ['Ｆｕｌｌ　Ｗｉｄｔｈ Ｔｉｔｌｅ', 'full-width-title'],
  ])('Latin and punctuation: %j → %j', (title, slug) => {
    expect(bookSlug(title)).toBe(slug);
  });

  it.each([
    ['三体', '三体'],
    ['三体：地球往事', '三体-地球往事'],
    ['ノルウェイの森', 'ノルウェイの森'],
    ['مئة عام من العزلة', 'مئة-عام-من-العزلة'],
    ['Война и мир', 'война-и-мир'],
  ])('letters of any script stay: %j → %j', (title, slug) => {
    expect(bookSlug(title)).toBe(slug);
  });

  it.each([
    ['📚 My Book 🎉', 'my-book'],
    ['evil\u202egpj.exe', 'evil-gpj-exe'],
    // A zero-width space parts words; a zero-width joiner inside one only vanishes.
    ['zero\u200bwidth\u200djoiner\ufeff', 'zero-widthjoiner'],
    ['❤️ Love', 'love'],
    ['tab\there\nnew\u0007line', 'tab-here-new-line'],
  ])('emoji, bidi overrides, zero-width and control characters go: %j → %j', (title, slug) => {
    expect(bookSlug(title)).toBe(slug);
    expect(bookSlug(title)).not.toMatch(INVISIBLE_OR_PICTURE);
  });

  it.each(['', '   ', '...', '---', '📚🎉', '\u202e\u200b\ufeff', '?!*:/\\'])(
    'nothing usable in %j: "" (the caller falls back)',
    (title) => {
      expect(bookSlug(title)).toBe('');
    },
  );

  it('a long title is cut after a whole word, at most 80 characters', () => {
    const slug = bookSlug('word '.repeat(40));
    expect([...slug].length).toBeLessThanOrEqual(80);
    expect(slug).toBe(Array.from({ length: 16 }, () => 'word').join('-'));
  });

  it('a long title of one unbroken word (Chinese has no spaces) is cut inside it, not dropped', () => {
    expect(bookSlug('x'.repeat(100))).toBe('x'.repeat(80));
    // Three bytes a character: 63 of them are the most within 190 bytes.
    expect(bookSlug('中'.repeat(100))).toBe('中'.repeat(63));
    expect(bookSlug(`${'中'.repeat(100)} 后记`)).toBe('中'.repeat(63));
  });

  it('a long cut never splits a character: a letter keeps its combining mark', () => {
    // q + U+0301 has no precomposed form, so NFKC leaves two code points per character.
    const slug = bookSlug('q\u0301'.repeat(100));
    expect(slug.length).toBeGreaterThan(0);
    expect(
      graphemes(slug).every((character) => character === 'q\u0301'),
      JSON.stringify(slug.slice(-4)),
    ).toBe(true);
  });

  it('a folder name stays under 255 bytes with the longest fallback suffix (a 64-character render id)', () => {
    // CJK Extension B letters are four bytes each: 80 of them would be 320 bytes.
    for (const title of ['𠀀'.repeat(100), '中'.repeat(100), 'é'.repeat(200), `${'𠀀'.repeat(30)} ${'中'.repeat(30)}`]) {
      const slug = bookSlug(title);
      expect(slug.length, title).toBeGreaterThan(0);
      expect(Buffer.byteLength(`${slug}-${'r'.repeat(64)}`, 'utf8'), title).toBeLessThanOrEqual(NAME_MAX_BYTES);
    }
  });

  it('every slug is one safe storage key segment', () => {
    for (const title of ['The Sample Book', '三体', '📚 My Book', 'a\u202eb', "It's ... (done)!", '𠀀'.repeat(100), 'x'.repeat(500)]) {
      const slug = bookSlug(title);
      expect(assertSafeKey(slug)).toBe(slug);
      expect(slug).not.toContain('/');
    }
  });
});

describe('bookFileName: the file name (before its extension)', () => {
  it.each([
    ['The Sample Book', 'The Sample Book'],
    ['Dune: Part Two!', 'Dune Part Two!'],
    ["Alice's Adventures (Illustrated), Vol. 1 & 2", "Alice's Adventures (Illustrated), Vol. 1 & 2"],
    ['What? Why/How <now>', 'What Why How now'],
    ['  spaced    out  ', 'spaced out'],
    ['.hidden', 'hidden'],
    ['Ends with dots...', 'Ends with dots'],
    ['Cafe\u0301', 'Caf\u00e9'],
  ])('Latin and punctuation: %j → %j (case and inner spaces kept)', (title, name) => {
    expect(bookFileName(title)).toBe(name);
  });

  it.each([
    ['三体', '三体'],
    ['三体：地球往事', '三体 地球往事'],
    ['مئة عام من العزلة', 'مئة عام من العزلة'],
  ])('letters of any script stay: %j → %j', (title, name) => {
    expect(bookFileName(title)).toBe(name);
  });

  it.each([
    ['📚 My Book 🎉', 'My Book'],
    ['evil\u202egpj.exe', 'evil gpj.exe'],
    ['zero\u200bwidth', 'zero width'],
    ['❤️ Love', 'Love'],
    ['bell\u0007', 'bell'],
  ])('emoji, bidi overrides, zero-width and control characters go: %j → %j', (title, name) => {
    expect(bookFileName(title)).toBe(name);
    expect(bookFileName(title)).not.toMatch(INVISIBLE_OR_PICTURE);
  });

  it.each(['', '   ', '...', '📚', '\u202e\u200b', '/:*?"<>|'])('nothing usable in %j: ""', (title) => {
    expect(bookFileName(title)).toBe('');
  });

  it('a long title is cut to 200 UTF-8 bytes on a character boundary', () => {
    const name = bookFileName('中'.repeat(100));
    expect(name).toBe('中'.repeat(66));
    expect(Buffer.byteLength(name, 'utf8')).toBe(198);
  });

  it('a long cut keeps a letter and its combining mark together', () => {
    // Three bytes a character: 66 whole ones are 198 bytes; a 67th "q" alone would still fit.
    const name = bookFileName('q\u0301'.repeat(100));
    expect(name).toBe('q\u0301'.repeat(66));
  });

  it('a cut that lands after a space or a dot drops it', () => {
    const name = bookFileName(`${'a'.repeat(199)} b`);
    expect(name).toBe('a'.repeat(199));
    expect(bookFileName(`${'a'.repeat(198)}. b`)).toBe('a'.repeat(198));
  });

  it('the name with its extension is one safe storage key segment, under 255 bytes', () => {
    for (const title of ['The Sample Book', '三体', '📚 My Book', "It's ... (done)!", '𠀀'.repeat(100), 'x'.repeat(500)]) {
      const file = `${bookFileName(title)}.flac`;
      expect(assertSafeKey(file)).toBe(file);
      expect(Buffer.byteLength(file, 'utf8')).toBeLessThanOrEqual(NAME_MAX_BYTES);
    }
  });
});

describe('nameOfInputFile', () => {
  it.each([
    ['books/moby-dick.txt', 'moby-dick'],
    ['/abs/path/三体.md', '三体'],
    ['C:\\books\\war and peace.txt', 'war and peace'],
    ['archive.tar.gz', 'archive.tar'],
    ['no-extension', 'no-extension'],
    ['.hidden', '.hidden'],
    ['books/', ''],
  ])('%j → %j', (path, name) => {
    expect(nameOfInputFile(path)).toBe(name);
  });
});

describe('bookNames: the first name that leaves something usable', () => {
  it('the title, when it has letters or digits', () => {
    expect(bookNames(['The Sample Book', 'sample-book', 'r20260101-abcd'])).toEqual({
      slug: 'the-sample-book',
      baseName: 'The Sample Book',
    });
  });

  it('an emoji-only title falls back to the input file name, not the render id', () => {
    expect(bookNames(['📚', 'moby-dick', 'r20260101-abcd'])).toEqual({ slug: 'moby-dick', baseName: 'moby-dick' });
  });

  it('skips absent names', () => {
    expect(bookNames([undefined, undefined, 'r20260101-abcd'])).toEqual({ slug: 'r20260101-abcd', baseName: 'r20260101-abcd' });
  });

  it('"book" when nothing at all is usable', () => {
    expect(bookNames(['📚', '...', undefined])).toEqual({ slug: 'book', baseName: 'book' });
  });
});
