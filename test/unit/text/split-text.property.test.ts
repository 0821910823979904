import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { countCodePoints, countDashScope } from '../../../src/text/count-units.ts';
import { splitText } from '../../../src/text/split-text.ts';
import { validateText } from '../../../src/text/validate-text.ts';
import type { TextLimits } from '../../../src/providers/provider.ts';
import { expectValidSplit } from './split-assertions.ts';

/** Pieces that stress the splitter: every kind of boundary, and everything it must not cut. */
const TRICKY = [
  ' ',
  '  ',
  '\n',
  '\n\n',
  '\t',
  '\u3000',
  '\u00A0',
  '。',
  '！',
  '？',
  '，',
  '、',
  '；',
  '：',
  '…',
  '.',
  '!',
  '?',
  ',',
  ';',
  ':',
  '—',
  '"',
  '”',
  '」',
  ')',
  '3.14',
  'e.g.',
  'Dr.',
  '中',
  '文',
  '𠀀',
  'あ',
  '한',
  '각',
  'a',
  'Z',
  'word',
  '第一章 ',
  '# ',
  '😀',
  '👨‍👩‍👧',
  '🇨🇳',
  '🇯🇵',
  '\u{1F1E6}',
  '👍🏽',
  '❤️',
  '🏳️‍🌈',
  '\u200D',
  '\uFE0F',
  'e\u0301',
  '\u0301',
  '\u0308',
  'क्षि',
  '\u094D',
  '\u0E33',
  '\u1161',
  '\u11A8',
  '\u0600',
  '<break time=500>',
  '<break time="500ms"/>',
  '<break',
];

const unit = fc.oneof(
  { arbitrary: fc.constantFrom(...TRICKY), weight: 6 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 2 },
);
const texts = fc.string({ unit, maxLength: 160 });
const textLimits = fc
  .tuple(fc.integer({ min: 8, max: 60 }), fc.integer({ min: 1, max: 100 }), fc.boolean())
  .map(([maxUnits, percent, dashScope]): TextLimits => ({
    maxUnits,
    targetUnits: Math.max(1, Math.floor((maxUnits * percent) / 100)),
    count: dashScope ? countDashScope : countCodePoints,
  }));

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const BREAK_TAG = /<break\b[^<>]*>/giu;
// eslint-disable-next-line no-control-regex -- removing the controls validateText refuses for another reason
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The largest indivisible piece (a grapheme cluster, or a pause tag with the clusters it touches). */
function largestIndivisible(text: string, count: (text: string) => number): number {
  const tags = [...text.matchAll(BREAK_TAG)].map((m) => [m.index, m.index + m[0].length] as const);
  let largest = 0;
  let pieceStart = 0;
  let pieceEnd = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    const insideTag = tags.some(([start, end]) => start < index && index < end);
    if (!insideTag) {
      largest = Math.max(largest, count(text.slice(pieceStart, pieceEnd).trim()));
      pieceStart = index;
    }
    pieceEnd = index + segment.length;
  }
  return Math.max(largest, count(text.slice(pieceStart, pieceEnd).trim()));
}

describe('splitText on arbitrary Unicode (property-based)', () => {
  it('respects the maximum, reassembles the input and never cuts a pair, a cluster or a tag', () => {
    fc.assert(
      fc.property(texts, textLimits, (text, limits) => {
        let segments: string[];
        try {
          segments = splitText(text, limits);
        } catch (error) {
          // The only acceptable refusal: something that cannot be cut is over the maximum by itself.
          expect(error).toBeInstanceOf(InputError);
          expect(largestIndivisible(text, (piece) => limits.count(piece))).toBeGreaterThan(limits.maxUnits);
          return;
        }
        expectValidSplit(text, segments, limits);
      }),
      { numRuns: 500 },
    );
  });

  it('never splits a surrogate pair in full-range random code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 8, max: 40 }), (text, maxUnits) => {
        const limits: TextLimits = { maxUnits, targetUnits: Math.ceil(maxUnits / 2), count: countCodePoints };
        let segments: string[];
        try {
          segments = splitText(text, limits);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          return;
        }
        for (const segment of segments) {
          expect(LONE_SURROGATE.test(segment), `segment ${JSON.stringify(segment)} holds half a surrogate pair`).toBe(false);
        }
        expectValidSplit(text, segments, limits);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses text carrying a lone surrogate before splitting', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 0xd800, max: 0xdfff }), (text, surrogate) => {
        const clean = text.replace(CONTROLS, '');
        const offset = clean.length + 1;
        expect(() => validateText(`${clean}x${String.fromCharCode(surrogate)}`)).toThrow(
          `lone surrogate U+${surrogate.toString(16).toUpperCase()} at code-unit offset ${offset} `,
        );
      }),
      { numRuns: 100 },
    );
  });
});
