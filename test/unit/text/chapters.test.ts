import { describe, expect, it } from 'vitest';
import { detectChapters, headingTitle, type Chapter } from '../../../src/text/chapters.ts';

function expectPartition(text: string, chapters: Chapter[]): void {
  expect(chapters.length).toBeGreaterThan(0);
  expect(chapters[0]?.start).toBe(0);
  expect(chapters.at(-1)?.end).toBe(text.length);
  for (let i = 1; i < chapters.length; i += 1) {
    expect(chapters[i]?.start, `chapter ${i} does not start where chapter ${i - 1} ends`).toBe(chapters[i - 1]?.end);
  }
}

describe('headingTitle', () => {
  it.each([
    ['# Part One', 'Part One'],
    ['## 第二节', '第二节'],
    ['###### Deep', 'Deep'],
    ['### Closed heading ###', 'Closed heading'],
    ['   # Indented', 'Indented'],
    ['第十二章 归来', '第十二章 归来'],
    ['第3章', '第3章'],
    ['第１２回 重逢', '第１２回 重逢'],
    ['第一百零八章：尾声', '第一百零八章：尾声'],
    ['第二卷', '第二卷'],
    ['Chapter 12', 'Chapter 12'],
    ['CHAPTER XII', 'CHAPTER XII'],
    ['Chapter One: The Storm', 'Chapter One: The Storm'],
    ['Chapter Twenty-One', 'Chapter Twenty-One'],
    ['Chapter 3 The Return', 'Chapter 3 The Return'],
    ['Chapter 7 — Home', 'Chapter 7 — Home'],
    ['Part Two', 'Part Two'],
    ['Prologue', 'Prologue'],
    ['EPILOGUE', 'EPILOGUE'],
    ['Epilogue: Ten Years Later', 'Epilogue: Ten Years Later'],
  ])('%j is a heading titled %j', (line, title) => {
    expect(headingTitle(line)).toBe(title);
  });

  it.each([
    ['In this chapter we learn how queues work.'],
    ['Chapter one was dull, but the second was worse.'],
    ['Chapter one was dull.'],
    ['The prologue was long.'],
    ['Prologue to a story nobody wrote'],
    ['#hashtag'],
    ['#'],
    ['# '],
    ['第一章的内容很长，我们从头说起。'],
    ['他读完了第三章。'],
    [`# ${'x'.repeat(90)}`],
    [`Chapter 1: ${'A long title '.repeat(8)}`],
    [''],
  ])('%j is not a heading', (line) => {
    expect(headingTitle(line)).toBeUndefined();
  });
});

describe('detectChapters', () => {
  it('finds every heading style and partitions the text', () => {
    const text = [
      '# Part One',
      '',
      '第一章 开始',
      '他走进房间。',
      '',
      'Chapter 2: The Road',
      'They walked. The chapter of their lives was closing.',
      '',
      'CHAPTER III',
      'Rain.',
      '',
      'Epilogue',
      'The end.',
    ].join('\n');
    const chapters = detectChapters(text);
    expectPartition(text, chapters);
    expect(chapters.map((c) => c.title)).toEqual(['Part One', '第一章 开始', 'Chapter 2: The Road', 'CHAPTER III', 'Epilogue']);
    expect(text.slice(chapters[1]?.start, chapters[1]?.end)).toBe('第一章 开始\n他走进房间。\n\n');
    for (const chapter of chapters.slice(1)) {
      const firstLine = text.slice(chapter.start).split('\n')[0] ?? '';
      expect(firstLine.includes(chapter.title), `chapter "${chapter.title}" does not start at its heading line`).toBe(true);
    }
  });

  it('makes text before the first heading a chapter titled ""', () => {
    const text = 'A foreword.\n\n# One\nBody.';
    const chapters = detectChapters(text);
    expectPartition(text, chapters);
    expect(chapters).toEqual([
      { title: '', start: 0, end: 13 },
      { title: 'One', start: 13, end: text.length },
    ]);
  });

  it('lets whitespace before the first heading join the first chapter', () => {
    const text = '\n\n  \n# One\nBody.';
    expect(detectChapters(text)).toEqual([{ title: 'One', start: 0, end: text.length }]);
  });

  it('gives a text without headings one untitled chapter, and the empty text one empty chapter', () => {
    expect(detectChapters('Just prose.\nMore prose.')).toEqual([{ title: '', start: 0, end: 23 }]);
    expect(detectChapters('')).toEqual([{ title: '', start: 0, end: 0 }]);
  });

  it('gives a heading on the last line (no newline after it) its own chapter', () => {
    const text = 'Body.\n第2章';
    expect(detectChapters(text)).toEqual([
      { title: '', start: 0, end: 6 },
      { title: '第2章', start: 6, end: 9 },
    ]);
  });
});
