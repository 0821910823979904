import { describe, expect, it } from 'vitest';
import { detectChapters } from '../../../src/text/chapters.ts';
import { countCodePoints } from '../../../src/text/count-units.ts';
import { validateText } from '../../../src/text/validate-text.ts';
import { makeSampleBook } from '../../support/sample-book.ts';

describe('makeSampleBook', () => {
  const book = makeSampleBook(60_000);

  it('is deterministic for a seed and differs between seeds', () => {
    expect(makeSampleBook(60_000)).toBe(book);
    expect(makeSampleBook(60_000, 2)).not.toBe(book);
  });

  it('comes out near the requested size in code points', () => {
    for (const target of [2_000, 60_000]) {
      const size = countCodePoints(makeSampleBook(target, 5));
      expect(size, `asked for ${target}, got ${size}`).toBeGreaterThanOrEqual(target);
      expect(size, `asked for ${target}, got ${size}`).toBeLessThan(target * 1.1);
    }
  });

  it('is valid text with headings of every style, pause tags, emoji and both languages', () => {
    expect(validateText(book)).toBe(book);
    const titles = detectChapters(book).map((c) => c.title);
    expect(titles.filter((t) => t.startsWith('Part ')).length).toBeGreaterThan(0);
    expect(titles.filter((t) => t.startsWith('第')).length).toBeGreaterThan(0);
    expect(titles.filter((t) => /^Chapter \d+: /u.test(t)).length).toBeGreaterThan(0);
    expect(titles.filter((t) => /^Chapter \d+ \p{Lu}/u.test(t)).length).toBeGreaterThan(0);
    expect(book).toMatch(/<break time=300>/);
    expect(book).toMatch(/\p{Extended_Pictographic}/u);
    expect(book).toMatch(/[。！？]/u);
    expect(book).toMatch(/[a-z][.!?] /u);
  });
});
