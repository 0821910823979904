import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/config-error.ts';
import { InputError } from '../../../src/errors/input-error.ts';
import { countCodePoints, countDashScope } from '../../../src/text/count-units.ts';
import { splitText, splitTextSpans } from '../../../src/text/split-text.ts';
import type { TextLimits } from '../../../src/providers/provider.ts';
import { makeSampleBook } from '../../support/sample-book.ts';
import { expectValidSplit, withoutWhitespace } from './split-assertions.ts';

function limits(targetUnits: number, maxUnits: number, count: (text: string) => number = countCodePoints): TextLimits {
  return { targetUnits, maxUnits, count };
}

const BOOK = makeSampleBook(20_000, 3);

describe('splitText: limits and reassembly', () => {
  it.each([
    ['code points 3000/10000', limits(3000, 10_000)],
    ['code points 300/500', limits(300, 500)],
    ['DashScope 1000/2000', limits(1000, 2000, countDashScope)],
    ['DashScope 50/80', limits(50, 80, countDashScope)],
    ['DashScope 20/50', limits(20, 50, countDashScope)],
    ['code points 12/16', limits(12, 16)],
  ])('keeps every segment of a mixed book within the maximum (%s)', (_name, textLimits) => {
    const segments = splitText(BOOK, textLimits);
    expectValidSplit(BOOK, segments, textLimits);
    for (const segment of segments) expect(segment, 'segments are trimmed').toBe(segment.trim());
  });

  it('packs towards the target instead of cutting small', () => {
    const textLimits = limits(300, 500, countDashScope);
    const segments = splitText(BOOK, textLimits);
    const units = segments.map((segment) => countDashScope(segment));
    const average = units.reduce((a, b) => a + b, 0) / units.length;
    // Sentences are at most ~180 units here, so greedy packing should fill most of the target.
    expect(average, `average segment is ${average.toFixed(0)} units for a target of 300`).toBeGreaterThan(200);
  });

  it('returns the whole text as one segment when it fits the target', () => {
    expect(splitText('  Hello there.\n\n你好。  ', limits(100, 200))).toEqual(['Hello there.\n\n你好。']);
  });

  it('returns no segments for empty or whitespace-only text', () => {
    expect(splitText('', limits(10, 20))).toEqual([]);
    expect(splitText(' \n\t\u3000 ', limits(10, 20))).toEqual([]);
  });

  it('reports spans whose units are the provider count of the segment', () => {
    const spans = splitTextSpans(BOOK, limits(200, 400, countDashScope));
    for (const span of spans) expect(span.units).toBe(countDashScope(BOOK.slice(span.start, span.end)));
  });

  it('splits only the given range of a larger text', () => {
    const text = 'Before. 前文。\nInside one. Inside two. 里面。\nAfter.';
    const from = text.indexOf('Inside');
    const to = text.indexOf('\nAfter');
    const spans = splitTextSpans(text, limits(12, 20), from, to);
    expect(spans[0]?.start).toBe(from);
    expect(spans.at(-1)?.end).toBe(to);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['Inside one.', 'Inside two.', '里面。']);
  });

  it('refuses a range outside the text', () => {
    expect(() => splitTextSpans('abc', limits(5, 10), 2, 1)).toThrow(/range: must satisfy 0 <= from <= to <= 3, got 2\.\.1/);
    expect(() => splitTextSpans('abc', limits(5, 10), 0, 4)).toThrow(InputError);
  });
});

describe('splitText: where it cuts', () => {
  it('prefers paragraph ends: paragraphs that fit are never cut', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} has one sentence. And then a second one here.`);
    const text = paragraphs.join('\n\n');
    const segments = splitText(text, limits(150, 300));
    for (const segment of segments) {
      for (const piece of segment.split('\n\n')) expect(paragraphs, `segment holds a part of a paragraph: ${piece}`).toContain(piece);
    }
    expect(segments.length).toBeLessThan(paragraphs.length);
  });

  it('cuts a long paragraph at sentence ends, keeping closing quotes with their sentence', () => {
    const text = '“你回来了？”她问道。他没有回答，只是笑了笑！He said "Stop!" Then he left (for good.) And that was all.';
    const segments = splitText(text, limits(10, 30));
    expect(segments).toEqual([
      '“你回来了？”',
      '她问道。',
      '他没有回答，只是笑了笑！',
      'He said "Stop!"',
      'Then he left (for good.)',
      'And that was all.',
    ]);
  });

  it('cuts at single newlines, but treats a hard wrap inside a sentence as a space', () => {
    const poem = '床前明月光，\n疑是地上霜。\n举头望明月，\n低头思故乡。';
    expect(splitText(poem, limits(8, 12))).toEqual(['床前明月光，', '疑是地上霜。', '举头望明月，', '低头思故乡。']);
    const wrapped = 'It was the best of times, it was\nthe worst of times. It was the age\nof wisdom, it was the age of\nfoolishness.';
    expect(splitText(wrapped, limits(40, 80))).toEqual([
      'It was the best of times, it was\nthe worst of times.',
      'It was the age\nof wisdom, it was the age of\nfoolishness.',
    ]);
  });

  it('keeps a sentence longer than the target whole when it is within the maximum', () => {
    const long = 'This single sentence is deliberately longer than the target but shorter than the maximum.';
    const text = `Short one. ${long} Another short one.`;
    const segments = splitText(text, limits(40, 100));
    expect(segments).toContain(long);
  });

  it('does not end a sentence at decimals or common abbreviations', () => {
    const text = 'Dr. Smith paid 3.14 dollars, e.g. for tea. Mr. J. Lee agreed. It cost 2.50 in the U.S. today.';
    const segments = splitText(text, limits(10, 60));
    expect(segments).toEqual(['Dr. Smith paid 3.14 dollars, e.g. for tea.', 'Mr. J. Lee agreed.', 'It cost 2.50 in the U.S. today.']);
  });

  it('cuts an over-long sentence at clause marks before anything weaker', () => {
    const text = '我们走过了长长的街道，穿过了热闹的集市，又爬上了城外的小山；天色渐渐暗了下来，风也越来越大。';
    const textLimits = limits(20, 24, countDashScope);
    const segments = splitText(text, textLimits);
    expectValidSplit(text, segments, textLimits);
    expect(segments).toEqual([
      '我们走过了长长的街道，',
      '穿过了热闹的集市，',
      '又爬上了城外的小山；',
      '天色渐渐暗了下来，',
      '风也越来越大。',
    ]);
  });

  it('cuts an over-long clause at spaces', () => {
    const text = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu';
    const segments = splitText(text, limits(20, 25));
    expectValidSplit(text, segments, limits(20, 25));
    for (const segment of segments) expect(segment.length).toBeLessThanOrEqual(20);
    expect(segments.join(' ')).toBe(text);
  });

  it('splits run-on CJK text (no punctuation, no spaces) within a small weighted limit', () => {
    const text = '春眠不觉晓处处闻啼鸟夜来风雨声花落知多少'.repeat(40);
    const textLimits = limits(40, 50, countDashScope);
    const segments = splitText(text, textLimits);
    expectValidSplit(text, segments, textLimits);
    for (const segment of segments.slice(0, -1)) {
      expect(countDashScope(segment), `segment under-filled: ${segment}`).toBeGreaterThanOrEqual(34);
    }
  });

  it('splits run-on Latin text (no punctuation, no spaces) at exactly the target', () => {
    const text = 'abcdefghij'.repeat(100);
    const segments = splitText(text, limits(64, 80));
    expectValidSplit(text, segments, limits(64, 80));
    expect(segments.slice(0, -1).every((segment) => segment.length === 64)).toBe(true);
    expect(segments.join('')).toBe(text);
  });
});

describe('splitText: what it never cuts', () => {
  it('keeps every pause tag whole, in exactly one segment', () => {
    const text = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? `第${i}句话<break time=500>接着说`
        : i % 3 === 1
          ? `word ${i}<break time="500ms"/> next`
          : `x${i}<BREAK time = "1s" />y`,
    ).join(' ');
    for (const max of [24, 30, 40, 64]) {
      const textLimits = limits(Math.floor(max * 0.8), max);
      const segments = splitText(text, textLimits);
      expectValidSplit(text, segments, textLimits);
    }
  });

  it('keeps a pause tag whole even inside run-on text that is cut between characters', () => {
    const text = `${'很'.repeat(30)}<break time="750ms"/>${'长'.repeat(30)}`;
    const textLimits = limits(22, 25);
    expectValidSplit(text, splitText(text, textLimits), textLimits);
  });

  it('never cuts a surrogate pair, an emoji ZWJ sequence, a flag, a skin tone or a combining mark', () => {
    const clusters = ['😀', '👨‍👩‍👧', '🇨🇳', '🇯🇵', '👍🏽', '❤️', 'e\u0301', 'a\u0308\u0304', '𠀀', '🏳️‍🌈', 'क्षि', '각'];
    const text = Array.from({ length: 200 }, (_, i) => clusters[(i * 7) % clusters.length]).join('');
    for (const max of [7, 8, 11, 16]) {
      const textLimits = limits(max - 2, max);
      const segments = splitText(text, textLimits);
      expectValidSplit(text, segments, textLimits);
      expect(segments.join('')).toBe(text);
    }
  });

  it('keeps whitespace that carries a combining mark with its mark', () => {
    const text = `word \u0301mark ${'x'.repeat(10)}`;
    const segments = splitText(text, limits(5, 12));
    expectValidSplit(text, segments, limits(5, 12));
  });

  it('refuses a single cluster larger than the maximum, naming its offset', () => {
    let error: unknown;
    try {
      splitText('ok 👨‍👩‍👧', limits(3, 4));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('text');
    expect((error as InputError).message).toMatch(/offset 3\b.*counts 5 units, more than the 4/);
  });
});

describe('splitText: limits it is given', () => {
  it.each([
    [{ targetUnits: 10, maxUnits: 0 }, /maxUnits must be a positive integer/],
    [{ targetUnits: 20, maxUnits: 10 }, /targetUnits must be an integer from 1 to maxUnits \(10\), got 20/],
    [{ targetUnits: 0, maxUnits: 10 }, /targetUnits/],
    [{ targetUnits: 2.5, maxUnits: 10 }, /targetUnits/],
  ])('refuses %j with a ConfigError', (bad, message) => {
    expect(() => splitText('text', { ...bad, count: countCodePoints })).toThrow(ConfigError);
    expect(() => splitText('text', { ...bad, count: countCodePoints })).toThrow(message);
  });

  it('still respects the maximum with a counter that is not additive', () => {
    // A surcharge on longer requests: pieces counted one by one add up to less than their whole.
    const count = (text: string): number => countCodePoints(text) + (text.length > 12 ? 8 : 0);
    const text = Array.from({ length: 40 }, (_, i) => `l${i}`).join('\n');
    const textLimits = limits(20, 20, count);
    const segments = splitText(text, textLimits);
    expectValidSplit(text, segments, textLimits);
    expect(withoutWhitespace(segments.join(''))).toBe(withoutWhitespace(text));
  });
});
