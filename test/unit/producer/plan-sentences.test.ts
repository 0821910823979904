import { describe, expect, it } from 'vitest';
import { planRender } from '../../../src/producer/plan.ts';
import type { TextLimits } from '../../../src/providers/provider.ts';
import { countCodePoints, countDashScope } from '../../../src/text/count-units.ts';
import { validateText } from '../../../src/text/validate-text.ts';

const WIDE: TextLimits = { targetUnits: 400, maxUnits: 600, count: countCodePoints };

const BOOK = [
  '# Chapter 1',
  '',
  'It was late.  The rain fell on Dr. Smith\'s roof, "hard and cold." Pi is 3.14!',
  '',
  'A second <break time=500> paragraph. 他来了。她走了！',
  '',
  '## Chapter 2',
  'Morning came?',
].join('\n');

describe('sentence spans in the plan (issue 13 item 1)', () => {
  it('every segment keeps its sentences in source order, each an exact trimmed slice of the planned text', () => {
    const plan = planRender(BOOK, WIDE);
    const clean = validateText(BOOK);
    const all = plan.segments.flatMap((segment) => {
      expect(clean.slice(segment.textStart, segment.textEnd)).toBe(segment.text);
      for (const sentence of segment.sentences) {
        expect(sentence.start).toBeGreaterThanOrEqual(segment.textStart);
        expect(sentence.end).toBeLessThanOrEqual(segment.textEnd);
      }
      return segment.sentences;
    });
    expect(all.map((s) => clean.slice(s.start, s.end))).toEqual([
      '# Chapter 1',
      'It was late.',
      'The rain fell on Dr. Smith\'s roof, "hard and cold."',
      'Pi is 3.14!',
      'A second <break time=500> paragraph.',
      '他来了。',
      '她走了！',
      '## Chapter 2',
      'Morning came?',
    ]);
    // What a reader sees: no heading markers, no pause tags.
    expect(all.map((s) => s.text)).toEqual([
      'Chapter 1',
      'It was late.',
      'The rain fell on Dr. Smith\'s roof, "hard and cold."',
      'Pi is 3.14!',
      'A second paragraph.',
      '他来了。',
      '她走了！',
      'Chapter 2',
      'Morning came?',
    ]);
    for (let i = 1; i < all.length; i += 1) expect(all[i]?.start).toBeGreaterThanOrEqual(all[i - 1]?.end ?? 0);
  });

  it("units are the provider's count of what is sent (CosyVoice: Han = 2), the sentence's share of its segment", () => {
    const plan = planRender('他来了。Hello there.', { targetUnits: 400, maxUnits: 600, count: countDashScope });
    expect(plan.segments[0]?.sentences.map((s) => [s.text, s.units])).toEqual([
      ['他来了。', countDashScope('他来了。')],
      ['Hello there.', countDashScope('Hello there.')],
    ]);
    expect(countDashScope('他来了。')).toBe(7);
  });

  it('a sentence longer than a segment is split with it: each segment holds its own piece, nothing lost or repeated', () => {
    const clause = 'and the wind kept blowing over the hills';
    const long = `A${Array.from({ length: 12 }, () => clause)
      .join(', ')
      .slice(1)}.`;
    const text = `Short one. ${long} Last one.`;
    const plan = planRender(text, { targetUnits: 120, maxUnits: 150, count: countCodePoints });
    expect(plan.segments.length).toBeGreaterThan(2);
    const pieces = plan.segments.flatMap((s) => s.sentences.map((x) => text.slice(x.start, x.end)));
    expect(pieces.join(' ').replace(/\s+/g, ' ')).toBe(text);
    expect(pieces[0]).toBe('Short one.');
    expect(pieces.at(-1)).toBe('Last one.');
  });
});
