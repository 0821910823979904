import type { GivenChapter, StructuredText } from '../text/chapters.ts';
import type { Book, BookChapter } from './book.ts';
import type { ChapterSelection } from './chapter-selection.ts';
import { collapseWhitespace } from '../util/collapse-whitespace.ts';

export interface BookTextOptions {
  /** Chapter numbers to read (from 1, all chapters of the book counted); absent: every chapter. */
  chapters?: ChapterSelection | undefined;
  /** Leave out chapters marked as front or back matter, unless `chapters` names them. */
  skipFrontMatter: boolean;
  /** Open each titled chapter with its title as a spoken heading line. */
  speakHeadings: boolean;
}

/** The chapters of a book a render reads, each with its number in the book (from 1). */
export function chaptersToRead(book: Book, options: BookTextOptions): { chapter: BookChapter; number: number }[] {
  return book.chapters
    .map((chapter, i) => ({ chapter, number: i + 1 }))
    .filter(({ chapter, number }) => {
      if (options.chapters !== undefined) return options.chapters.has(number);
      return !(options.skipFrontMatter && chapter.matter !== undefined);
    });
}

/**
 * The text the planner cuts into segments, with the chapters already placed: each chapter is its
 * title line (when headings are spoken and it has a title), then its paragraphs, separated by
 * blank lines, so paragraph ends stay the pause places they are in the book. Chapters with no
 * paragraphs are only structure and are left out. A chapter with a title keeps it as the
 * chapter's name in the output even when the heading is not spoken.
 */
export function bookText(book: Book, options: BookTextOptions): StructuredText {
  let text = '';
  const chapters: GivenChapter[] = [];
  for (const { chapter, number } of chaptersToRead(book, options)) {
    if (chapter.paragraphs.length === 0) continue;
    if (text !== '') text += '\n\n';
    const start = text.length;
    const heading = options.speakHeadings && chapter.title !== '';
    const title = collapseWhitespace(chapter.title);
    const blocks = heading ? [title, ...chapter.paragraphs] : chapter.paragraphs;
    // Readers give one-line paragraphs; a stray line break would read as a heading or a turn line.
    text += blocks.map(collapseWhitespace).join('\n\n');
    chapters.push({ title, start, end: text.length, heading, source: chapter.source, number });
  }
  return { text, chapters };
}

/** The reading choices as the CLI and the API take them, before the book is known. */
export interface RawReadingOptions {
  /** `--chapters 1-3,7`. */
  chapters?: string | undefined;
  /** Default: on for EPUB (its front matter is marked), off for the rest. */
  skipFrontMatter?: boolean | undefined;
  /** Default: on. */
  speakHeadings?: boolean | undefined;
}
