import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainUnit } from '../../../src/text/char-classes.ts';
import { createCutGuard } from '../../../src/text/cut-guard.ts';
import { clusterBoundaries } from './split-assertions.ts';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Seeded Fisher–Yates, so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('isPlainUnit', () => {
  const plain: string[] = [];
  for (let unit = 0; unit < 0x10000; unit += 1) if (isPlainUnit(unit)) plain.push(String.fromCharCode(unit));

  it('holds no mark, surrogate or extending character', () => {
    const joiners = plain.filter((ch) => /[\p{M}\p{Grapheme_Extend}\p{Cs}\p{Regional_Indicator}\u200D]/u.test(ch));
    expect(joiners.map((ch) => ch.charCodeAt(0).toString(16))).toEqual([]);
  });

  it('never joins two plain units into one cluster (every plain unit, shuffled neighbours)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const text = shuffled(plain, seed).join('');
      const joined: string[] = [];
      for (const { segment } of graphemes.segment(text)) {
        if (segment.length > 1) joined.push([...segment].map((ch) => ch.charCodeAt(0).toString(16)).join('+'));
      }
      expect(joined, `seed ${seed}: plain units joined into clusters`).toEqual([]);
    }
  });
});

describe('createCutGuard', () => {
  const pieces = [
    'a',
    ' ',
    '中',
    '。',
    '\n',
    'e\u0301',
    '\u0301',
    '\u200D',
    '👨',
    '👩',
    '\u{1F1E8}',
    '\u{1F1F3}',
    '👍',
    '\u{1F3FD}',
    '\uFE0F',
    '\u0915',
    '\u094D',
    '\u0937',
    '\u0600',
    '\u1100',
    '\u1161',
    '\u11A8',
    '가',
    '\u0E01',
    '\u0E33',
    '\r',
    '©',
    '\u00AD',
  ];
  const texts = fc.string({
    unit: fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    maxLength: 80,
  });

  it('allows a cut exactly where Intl.Segmenter puts a cluster boundary in the whole text', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const guard = createCutGuard(text);
        const boundaries = clusterBoundaries(text);
        for (let p = 1; p < text.length; p += 1) {
          expect(guard.canCut(p), `offset ${p} of ${JSON.stringify(text)}`).toBe(boundaries.has(p));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('refuses cuts inside pause tags, in both spellings, and allows them at the tag edges', () => {
    const text = 'a<break time=500>b<break time="500ms"/>c';
    const guard = createCutGuard(text);
    const first = text.indexOf('<break');
    const second = text.indexOf('<break', first + 1);
    for (const [start, end] of [
      [first, text.indexOf('>', first) + 1],
      [second, text.indexOf('>', second) + 1],
    ] as const) {
      expect(guard.canCut(start)).toBe(true);
      expect(guard.canCut(end)).toBe(true);
      for (let p = start + 1; p < end; p += 1) expect(guard.canCut(p), `cut allowed at ${p} inside a tag`).toBe(false);
    }
  });

  it('answers for tags in the range it was made for', () => {
    const text = '<break time=1>x<break time=2>';
    const guard = createCutGuard(text, 15, text.length);
    expect(guard.insideTag(3)).toBe(false);
    expect(guard.insideTag(18)).toBe(true);
  });
});
