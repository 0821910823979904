import { describe, expect, it } from 'vitest';
import type { Book } from '../../../src/book/book.ts';
import { bookText } from '../../../src/book/book-text.ts';
import { parseChapterSelection } from '../../../src/book/chapter-selection.ts';
import { listChapters, textToPlan } from '../../../src/book/input-chapters.ts';
import type { BookInput } from '../../../src/book/book-input.ts';
import { planRender } from '../../../src/producer/plan.ts';
import { countCodePoints } from '../../../src/text/count-units.ts';
import { DEFAULT_PAUSE_RULES } from '../../../src/text/pause-rules.ts';

const source = { name: 'b', format: 'epub', sha256: '0'.repeat(64), bytes: 1 } as const;

const book: Book = {
  format: 'epub',
  metadata: { title: 'A Book' },
  chapters: [
    { title: 'Cover', paragraphs: [], source: 'cover.xhtml', matter: 'cover' },
    { title: 'Copyright', paragraphs: ['© 2026 Somebody.'], source: 'copy.xhtml', matter: 'copyright' },
    { title: 'Chapter One', paragraphs: ['It began. Then it went on.', 'A second paragraph.'], source: 'ch1.xhtml#c1' },
    // A line a plain-text reader would take for a heading stays a paragraph here.
    { title: 'Chapter Two', paragraphs: ['Chapter 3', 'The end.'], source: 'ch1.xhtml#c2' },
  ],
};
const limits = { targetUnits: 40, maxUnits: 60, count: countCodePoints };
const all = { skipFrontMatter: false, speakHeadings: true };

describe('bookText', () => {
  it('opens each chapter with its title line and keeps paragraphs apart by blank lines; empty chapters are left out', () => {
    const { text, chapters } = bookText(book, all);
    expect(text).toBe(
      'Copyright\n\n© 2026 Somebody.\n\nChapter One\n\nIt began. Then it went on.\n\nA second paragraph.\n\nChapter Two\n\nChapter 3\n\nThe end.',
    );
    expect(chapters.map((c) => [c.number, c.title, text.slice(c.start, c.end).split('\n\n')[0]])).toEqual([
      [2, 'Copyright', 'Copyright'],
      [3, 'Chapter One', 'Chapter One'],
      [4, 'Chapter Two', 'Chapter Two'],
    ]);
  });

  it('plans the chapters as given: titles, sources, a heading pause after each title, paragraph pauses between paragraphs', () => {
    const plan = planRender(bookText(book, { ...all, skipFrontMatter: true }), limits, {}, DEFAULT_PAUSE_RULES);
    expect(plan.chapters.map((c) => [c.title, c.number, c.source])).toEqual([
      ['Chapter One', 3, 'ch1.xhtml#c1'],
      ['Chapter Two', 4, 'ch1.xhtml#c2'],
    ]);
    expect(plan.segments.map((s) => [s.chapter, s.text, s.boundary])).toEqual([
      [0, 'Chapter One', 'heading'],
      [0, 'It began. Then it went on.', 'paragraph'],
      [0, 'A second paragraph.', 'chapter'],
      [1, 'Chapter Two', 'heading'],
      [1, 'Chapter 3', 'paragraph'],
      [1, 'The end.', 'tail'],
    ]);
  });

  it('does not speak titles without --speak-headings, yet names the chapters by them', () => {
    const plan = planRender(bookText(book, { skipFrontMatter: true, speakHeadings: false }), limits, {}, DEFAULT_PAUSE_RULES);
    expect(plan.chapters.map((c) => c.title)).toEqual(['Chapter One', 'Chapter Two']);
    expect(plan.segments.map((s) => [s.text, s.boundary])).toEqual([
      ['It began. Then it went on.', 'paragraph'],
      ['A second paragraph.', 'chapter'],
      ['Chapter 3', 'paragraph'],
      ['The end.', 'tail'],
    ]);
  });

  it('reads the chapters chosen, front matter included when named', () => {
    const { chapters } = bookText(book, { ...all, skipFrontMatter: true, chapters: parseChapterSelection('2,4', 4) });
    expect(chapters.map((c) => c.title)).toEqual(['Copyright', 'Chapter Two']);
  });
});

describe('parseChapterSelection', () => {
  it('takes numbers and ranges from 1', () => {
    expect([...parseChapterSelection('1-3, 7', 9)].sort((a, b) => a - b)).toEqual([1, 2, 3, 7]);
  });
  it.each([
    ['0', /from 1/],
    ['3-2', /lower to a higher/],
    ['a', /not a chapter number/],
    ['1-10', /asks for chapter 10, but the book has 9/],
  ])('refuses %s naming chapters', (value, message) => {
    expect(() => parseChapterSelection(value, 9)).toThrow(/^chapters: /);
    expect(() => parseChapterSelection(value, 9)).toThrow(message);
  });
});

describe('listChapters and textToPlan', () => {
  const input: BookInput = { source, kind: 'book', book };
  it('lists every chapter by number with its characters and whether it is read', () => {
    expect(listChapters(input, { skipFrontMatter: true, speakHeadings: true })).toEqual([
      { number: 1, title: 'Cover', characters: 0, source: 'cover.xhtml', matter: 'cover', read: false },
      { number: 2, title: 'Copyright', characters: 16, source: 'copy.xhtml', matter: 'copyright', read: false },
      { number: 3, title: 'Chapter One', characters: 45, source: 'ch1.xhtml#c1', read: true },
      { number: 4, title: 'Chapter Two', characters: 17, source: 'ch1.xhtml#c2', read: true },
    ]);
  });

  it('says so when the chapters chosen have nothing to read', () => {
    expect(() => textToPlan(input, { skipFrontMatter: true, speakHeadings: true, chapters: parseChapterSelection('1', 4) })).toThrow(
      /^chapters: the chapters chosen have nothing to read/,
    );
  });

  const plain: BookInput = {
    source: { ...source, format: 'text' },
    kind: 'text',
    text: 'Opening words.\n\nChapter 1\nFirst.\n\nChapter 2\nSecond.',
  };
  it('passes plain text through untouched when every chapter and heading is read', () => {
    expect(textToPlan(plain, { skipFrontMatter: true, speakHeadings: true })).toBe(plain.kind === 'text' ? plain.text : '');
  });

  it('selects plain-text chapters by their detected headings, and can leave the heading lines unspoken', () => {
    const chosen = textToPlan(plain, { skipFrontMatter: true, speakHeadings: false, chapters: parseChapterSelection('1,3', 3) });
    const plan = planRender(chosen, limits, {}, DEFAULT_PAUSE_RULES);
    expect(plan.chapters.map((c) => [c.title, c.number])).toEqual([
      ['', 1],
      ['Chapter 2', 3],
    ]);
    expect(plan.segments.map((s) => s.text)).toEqual(['Opening words.', 'Second.']);
    expect(listChapters(plain, { skipFrontMatter: true, speakHeadings: true }).map((c) => [c.number, c.title, c.characters])).toEqual([
      [1, '', 14],
      [2, 'Chapter 1', 6],
      [3, 'Chapter 2', 7],
    ]);
  });
});
