import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { detectChapters } from '../../../src/text/chapters.ts';
import { countCodePoints, countDashScope } from '../../../src/text/count-units.ts';
import { planRender } from '../../../src/producer/plan.ts';
import { validateText } from '../../../src/text/validate-text.ts';
import type { TextLimits } from '../../../src/providers/provider.ts';
import { makeSampleBook } from '../../support/sample-book.ts';
import { expectValidSplit } from '../text/split-assertions.ts';

const BOOK = makeSampleBook(60_000, 11);

describe('planRender', () => {
  const limits: TextLimits = { targetUnits: 300, maxUnits: 600, count: countDashScope };
  const plan = planRender(BOOK, limits);
  const clean = validateText(BOOK);
  const chapters = detectChapters(clean);

  it('finds the chapters of every heading style', () => {
    const titles = plan.chapters.map((c) => c.title);
    expect(titles).toContain('Part One');
    expect(titles.some((t) => /^第[一二三四五六七八九十]+章 /u.test(t))).toBe(true);
    expect(titles.some((t) => /^Chapter \d+: /u.test(t))).toBe(true);
    expect(titles.some((t) => /^Chapter \d+ [A-Z]/u.test(t))).toBe(true);
    expect(plan.chapters.length).toBe(chapters.length);
  });

  it('numbers segments 0..n-1 and points each chapter at its first segment', () => {
    expect(plan.segments.map((s) => s.index)).toEqual(plan.segments.map((_, i) => i));
    expect(plan.chapters.map((c) => c.index)).toEqual(plan.chapters.map((_, i) => i));
    for (const chapter of plan.chapters) {
      expect(plan.segments[chapter.firstSegment]?.chapter).toBe(chapter.index);
      expect(plan.segments[chapter.firstSegment - 1]?.chapter ?? -1).toBe(chapter.index - 1);
    }
  });

  it("keeps every segment inside one chapter, with the heading opening the chapter's first segment", () => {
    let from = 0;
    for (const segment of plan.segments) {
      const start = clean.indexOf(segment.text, from);
      const chapter = chapters[segment.chapter];
      if (chapter === undefined) throw new Error(`segment ${segment.index} names chapter ${segment.chapter}, which does not exist`);
      expect(start, `segment ${segment.index} starts before its chapter`).toBeGreaterThanOrEqual(chapter.start);
      expect(start + segment.text.length, `segment ${segment.index} runs past its chapter`).toBeLessThanOrEqual(chapter.end);
      from = start + segment.text.length;
    }
    for (const chapter of plan.chapters) {
      const heading = clean.slice(chapters[chapter.index]?.start).split('\n')[0] ?? '';
      expect(
        plan.segments[chapter.firstSegment]?.text.startsWith(heading),
        `chapter "${chapter.title}" first segment lacks its heading`,
      ).toBe(true);
    }
  });

  it('respects the limits and loses no text', () => {
    expectValidSplit(
      clean,
      plan.segments.map((s) => s.text),
      limits,
    );
  });

  it('counts units and code points per segment and in total', () => {
    for (const segment of plan.segments) {
      expect(segment.units).toBe(countDashScope(segment.text));
      expect(segment.chars).toBe(countCodePoints(segment.text));
    }
    expect(plan.units).toBe(plan.segments.reduce((sum, s) => sum + s.units, 0));
    expect(plan.characters).toBe(plan.segments.reduce((sum, s) => sum + s.chars, 0));
    expect(plan.units).toBeGreaterThan(plan.characters);
  });

  it('gives a book without headings one untitled chapter', () => {
    const simple = planRender('One sentence. Another sentence.', { targetUnits: 15, maxUnits: 20, count: countCodePoints });
    expect(simple.chapters).toEqual([{ index: 0, title: '', firstSegment: 0, textStart: 0, textEnd: 31 }]);
    expect(simple.segments.map((s) => s.text)).toEqual(['One sentence.', 'Another sentence.']);
  });

  it('folds a BOM, blank lines and CRLF before the first heading into its chapter, numbering without gaps', () => {
    const text = '\uFEFF  \r\n\r\n第一章 开始\r\n他来了。\r\n\r\nChapter 2\r\nThe end.';
    const small = planRender(text, { targetUnits: 100, maxUnits: 200, count: countCodePoints });
    expect(small.chapters).toEqual([
      // Offsets into the text as validated: the BOM gone and each CRLF one newline.
      { index: 0, title: '第一章 开始', firstSegment: 0, textStart: 0, textEnd: 17 },
      { index: 1, title: 'Chapter 2', firstSegment: 2, textStart: 17, textEnd: 35 },
    ]);
    // A heading line is a segment of its own, so the pause after it falls between two segments.
    expect(small.segments.map((s) => [s.chapter, s.text])).toEqual([
      [0, '第一章 开始'],
      [0, '他来了。'],
      [1, 'Chapter 2'],
      [1, 'The end.'],
    ]);
  });

  it('refuses text that cannot be spoken before doing anything else', () => {
    expect(() => planRender(' \n ', limits)).toThrow(InputError);
    expect(() => planRender('ok\u0000', limits)).toThrow(/offset 2/);
  });
});
