import { describe, expect, it } from 'vitest';
import { planRender } from '../../../src/producer/plan.ts';
import type { TextLimits } from '../../../src/providers/provider.ts';
import { countCodePoints } from '../../../src/text/count-units.ts';
import { DEFAULT_PAUSE_RULES, NO_PAUSES, resolvePauseRules } from '../../../src/text/pause-rules.ts';

/** Large enough that only structure (and tags) cut the short texts below. */
const LIMITS: TextLimits = { targetUnits: 400, maxUnits: 600, count: countCodePoints };
const CUT = { breakTags: 'cut' } as const;

const BOOK = [
  '# Chapter 1',
  '',
  'It was late. The rain fell.',
  '',
  'A second paragraph.',
  '',
  '# Chapter 2',
  'Morning came.',
  '',
  'The end.',
].join('\n');

const rows = (text: string, limits = LIMITS, options = {}, pauses = DEFAULT_PAUSE_RULES) =>
  planRender(text, limits, options, pauses).segments.map((s) => [s.text, s.boundary, s.pauseAfter?.ms ?? 0, s.pauseAfter?.reason]);

describe('planRender keeps the structure of the book for the join (issue 11 item 1)', () => {
  it('cuts at the heading and at every paragraph end, and names each boundary with its default pause', () => {
    const plan = planRender(BOOK, LIMITS, {}, DEFAULT_PAUSE_RULES);
    expect(plan.segments.map((s) => [s.chapter, s.text, s.boundary, s.pauseAfter])).toEqual([
      [0, '# Chapter 1', 'heading', { ms: 900, reason: 'heading' }],
      [0, 'It was late. The rain fell.', 'paragraph', { ms: 750, reason: 'paragraph' }],
      [0, 'A second paragraph.', 'chapter', { ms: 2000, reason: 'chapter' }],
      // A heading followed by a single newline is still a segment of its own.
      [1, '# Chapter 2', 'heading', { ms: 900, reason: 'heading' }],
      [1, 'Morning came.', 'paragraph', { ms: 750, reason: 'paragraph' }],
      [1, 'The end.', 'tail', { ms: 2000, reason: 'tail' }],
    ]);
    expect(plan.pauseBefore).toEqual({ ms: 750, reason: 'head' });
    expect(plan.chapters.map((c) => c.firstSegment)).toEqual([0, 3]);
  });

  it('gives a cut inside a paragraph the sentence rule (0 ms by default: no pause)', () => {
    const sentence = 'A sentence of some length goes here. ';
    const paragraph = sentence.repeat(20).trim();
    const plan = planRender(
      `${paragraph}\n\n${paragraph}`,
      { targetUnits: 200, maxUnits: 400, count: countCodePoints },
      {},
      DEFAULT_PAUSE_RULES,
    );
    const boundaries = plan.segments.map((s) => s.boundary);
    expect(boundaries.filter((b) => b === 'paragraph')).toHaveLength(1);
    expect(boundaries.at(-1)).toBe('tail');
    expect(boundaries.filter((b) => b === 'sentence').length).toBeGreaterThanOrEqual(4);
    for (const segment of plan.segments.filter((s) => s.boundary === 'sentence')) expect(segment.pauseAfter).toBeUndefined();
    // The paragraph end is exactly between two segments: the first paragraph's last segment ends it.
    const last = plan.segments.findIndex((s) => s.boundary === 'paragraph');
    expect(plan.segments[last]?.text.endsWith('goes here.')).toBe(true);
    expect(
      plan.segments
        .slice(0, last + 1)
        .map((s) => s.text)
        .join(' '),
    ).toBe(paragraph);
  });

  it('makes a very short paragraph a segment of its own', () => {
    expect(rows('Yes.\n\nNo.\n\nMaybe so, then.').map((r) => r.slice(0, 2))).toEqual([
      ['Yes.', 'paragraph'],
      ['No.', 'paragraph'],
      ['Maybe so, then.', 'tail'],
    ]);
  });

  it('takes overrides rule by rule, and asks for nothing without rules', () => {
    const pauses = resolvePauseRules('pauses', { paragraph: 500, chapter: 3000, tail: 0, sentence: 120 });
    const plan = planRender(BOOK, LIMITS, {}, pauses);
    expect(plan.segments.map((s) => s.pauseAfter?.ms ?? 0)).toEqual([900, 500, 3000, 900, 500, 0]);
    expect(plan.pauseBefore).toEqual({ ms: 750, reason: 'head' });
    const none = planRender(BOOK, LIMITS);
    expect(none.segments.every((s) => s.pauseAfter === undefined)).toBe(true);
    expect(none.pauseBefore).toBeUndefined();
    expect(none.segments.map((s) => s.boundary)).toEqual(plan.segments.map((s) => s.boundary));
    expect(planRender(BOOK, LIMITS, {}, NO_PAUSES)).toEqual(none);
  });

  it('adds a cut pause tag to the structural pause of its place, and says a tag made it', () => {
    const text = '<break time=250>Hello. <break time=300> There.<break time=400>\n\nNext paragraph.<break time=100>';
    expect(rows(text, LIMITS, CUT)).toEqual([
      ['Hello.', 'sentence', 300, 'break-tag'],
      ['There.', 'paragraph', 750 + 400, 'break-tag'],
      ['Next paragraph.', 'tail', 2000 + 100, 'break-tag'],
    ]);
    expect(planRender(text, LIMITS, CUT, DEFAULT_PAUSE_RULES).pauseBefore).toEqual({ ms: 750 + 250, reason: 'break-tag' });
  });

  it('keeps segment texts (the cache keys) the same whatever the pauses', () => {
    const texts = (pauses = DEFAULT_PAUSE_RULES) => planRender(BOOK, LIMITS, {}, pauses).segments.map((s) => s.text);
    expect(texts(resolvePauseRules('pauses', { paragraph: 10_000, heading: 0 }))).toEqual(texts());
    expect(texts(NO_PAUSES)).toEqual(texts());
  });

  it('in a multi-speaker text cuts only between turns, a blank line between turns still ending a paragraph', () => {
    const turns = { turnLine: /^\[SPEAKER\d+\]/ };
    expect(rows('[SPEAKER0] Hi.\n[SPEAKER1] Hello.\n\n[SPEAKER0] Bye.', { ...LIMITS, targetUnits: 40 }, turns)).toEqual([
      ['[SPEAKER0] Hi.\n[SPEAKER1] Hello.', 'paragraph', 750, 'paragraph'],
      ['[SPEAKER0] Bye.', 'tail', 2000, 'tail'],
    ]);
  });
});
