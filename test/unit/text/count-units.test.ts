import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countCodePoints, countDashScope } from '../../../src/text/count-units.ts';

describe('countCodePoints', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(countCodePoints('')).toBe(0);
    expect(countCodePoints('abc')).toBe(3);
    expect(countCodePoints('中文')).toBe(2);
    expect(countCodePoints('😀')).toBe(1);
    expect(countCodePoints('𠀀')).toBe(1);
    // man, ZWJ, woman, ZWJ, girl: one grapheme, five code points
    expect(countCodePoints('👨‍👩‍👧')).toBe(5);
  });

  it('counts a lone surrogate as one', () => {
    expect(countCodePoints('a\uD800b')).toBe(3);
    expect(countCodePoints('\uDC00\uD800')).toBe(2);
  });

  it('agrees with string iteration on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        expect(countCodePoints(text)).toBe([...text].length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('countDashScope', () => {
  it('counts a Han ideograph 2 and anything else 1', () => {
    expect(countDashScope('')).toBe(0);
    expect(countDashScope('中文')).toBe(4);
    expect(countDashScope('ab')).toBe(2);
    expect(countDashScope('中a')).toBe(3);
    expect(countDashScope('。，！')).toBe(3);
    expect(countDashScope('あア한')).toBe(3);
    expect(countDashScope('😀')).toBe(1);
  });

  it('counts astral Han (CJK Extension B) and Han-script marks like 〇 and 々 as 2', () => {
    expect(countDashScope('𠀀')).toBe(2);
    expect(countDashScope('〇々')).toBe(4);
  });

  it('agrees with a \\p{Script=Han} reference and is additive', () => {
    const han = /^\p{Script=Han}$/u;
    const reference = (text: string): number => [...text].reduce((sum, ch) => sum + (han.test(ch) ? 2 : 1), 0);
    const unit = fc.oneof(fc.string({ unit: 'binary', maxLength: 1 }), fc.constantFrom('中', '𠀀', '〇', '。', 'a', '😀'));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), fc.string({ unit, maxLength: 40 }), (a, b) => {
        expect(countDashScope(a)).toBe(reference(a));
        expect(countDashScope(a + b)).toBe(countDashScope(a) + countDashScope(b));
      }),
      { numRuns: 300 },
    );
  });
});
