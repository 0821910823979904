/**
 * A chapter of a book: `[start, end)` are UTF-16 code-unit offsets into the text it was found in.
 * A chapter starts at the beginning of its heading line, so the heading is part of its text.
 */
export interface Chapter {
  title: string;
  start: number;
  end: number;
}

/**
 * A chapter a book reader found (EPUB table of contents, HTML or Markdown heading) rather than
 * one detected from heading lines: the planner takes these as given.
 */
export interface GivenChapter extends Chapter {
  /** Whether the chapter's text opens with its title as a heading line (`--speak-headings`). */
  heading: boolean;
  /** Where it comes from in the source (`OEBPS/ch01.xhtml#start`, `#chapter-one`). */
  source?: string;
  /** Its position in the book's table of contents, from 1 (`--chapters` counts these). */
  number?: number;
}

/** Text with its chapters already known: what a book reader hands the planner. */
export interface StructuredText {
  text: string;
  /** In order, not overlapping, inside `text`. */
  chapters: readonly GivenChapter[];
}

/** A heading is a whole line, and a short one: a sentence that mentions a chapter is not a heading. */
const MAX_HEADING_LENGTH = 80;

const MARKDOWN = /^#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?$/u;
/** 第十二章, 第3章, 第１２回 …: Chinese or (full-width) digits, then 章/节/回/卷/部/篇, then an optional title. */
const CHINESE = /^第[0-9０-９零〇一二两三四五六七八九十百千万]+[章节回卷部篇](?:$|[\s:：、.．\-—–]+\S.*$)/u;

const SMALL_NUMBER =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen';
const TENS = 'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety';
const NUMBER = `\\d+|[ivxlcdm]+|(?:${TENS})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|${SMALL_NUMBER}|hundred`;
/**
 * `Chapter 12`, `CHAPTER XII`, `Chapter One: The Storm`, `Part Two — Home`, `Chapter 3 The Return`.
 * A title after a plain space must not end like a sentence (`Chapter one was dull.` is prose).
 */
const ENGLISH = new RegExp(
  `^(?:chapter|part|book)\\s+(?:${NUMBER})(?:$|\\s*[:.：\\-—–]\\s*\\S.*$|\\s+\\S.*[^.!?,;。！？，；]$|\\s+\\S$)`,
  'iu',
);
/** `Prologue`, `Epilogue: After the War`. */
const FRAME = /^(?:prologue|epilogue)(?:$|\s*[:.：\-—–]\s*\S.*$)/iu;

/**
 * The title of `line` when it is a chapter heading, else undefined. Markdown titles lose their
 * `#` markers (and optional closing `#`s); other headings keep the whole line (`第十二章 归来`).
 */
export function headingTitle(line: string): string | undefined {
  const trimmed = line.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_HEADING_LENGTH) return undefined;
  const markdown = MARKDOWN.exec(trimmed);
  if (markdown !== null) {
    const title = (markdown[1] ?? '').trim();
    return title.length > 0 ? title : undefined;
  }
  if (CHINESE.test(trimmed) || ENGLISH.test(trimmed) || FRAME.test(trimmed)) return trimmed;
  return undefined;
}

/** Cheap first test, so only candidate lines meet the regular expressions. */
function mayBeHeading(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to && (text[i] === ' ' || text[i] === '\t' || text[i] === '\u3000')) i += 1;
  if (to - i > MAX_HEADING_LENGTH * 2) return false;
  const first = text[i];
  return first === '#' || first === '第' || (first !== undefined && 'CcPpBbEe'.includes(first));
}

/**
 * Splits `text` into chapters at heading lines (see `headingTitle`). The chapters partition the
 * text: the first starts at 0, each ends where the next starts, the last ends at `text.length`.
 *
 * Text before the first heading becomes a chapter titled '' (it has no heading to name it),
 * unless it is only whitespace, which then joins the first chapter. Text without any heading is
 * one chapter titled ''.
 */
export function detectChapters(text: string): Chapter[] {
  const starts: { title: string; start: number }[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    if (mayBeHeading(text, lineStart, lineEnd)) {
      const title = headingTitle(text.slice(lineStart, lineEnd));
      if (title !== undefined) starts.push({ title, start: lineStart });
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }

  const first = starts[0];
  if (first === undefined) return [{ title: '', start: 0, end: text.length }];
  if (first.start > 0) {
    if (text.slice(0, first.start).trim() === '') first.start = 0;
    else starts.unshift({ title: '', start: 0 });
  }
  return starts.map((heading, i) => ({ title: heading.title, start: heading.start, end: starts[i + 1]?.start ?? text.length }));
}
