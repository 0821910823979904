import { countCodePoints } from '../text/count-units.ts';
import { detectChapters, type GivenChapter, type StructuredText } from '../text/chapters.ts';
import { headingEnd } from '../text/structure-ranges.ts';
import { validateText } from '../text/validate-text.ts';
import { InputError } from '../errors/input-error.ts';
import type { MatterKind } from './book.ts';
import type { BookInput } from './book-input.ts';
import { bookText, chaptersToRead, type BookTextOptions, type RawReadingOptions } from './book-text.ts';
import { parseChapterSelection } from './chapter-selection.ts';

/** One line of `tts-batch chapters FILE`: a chapter by its number, and whether a render reads it. */
export interface ListedChapter {
  number: number;
  title: string;
  /** Code points of its paragraphs (the title not counted). */
  characters: number;
  source?: string;
  matter?: MatterKind;
  /** Whether a render with these options reads it (front matter skipped, chapters chosen, empty ones left out). */
  read: boolean;
}

/** The chapters of the input, numbered from 1 as `--chapters` counts them. */
export function listChapters(input: BookInput, options: BookTextOptions): ListedChapter[] {
  if (input.kind === 'book') {
    const read = new Set(chaptersToRead(input.book, options).map(({ number }) => number));
    return input.book.chapters.map((chapter, i) => {
      const characters = chapter.paragraphs.reduce((sum, paragraph) => sum + countCodePoints(paragraph), 0);
      return {
        number: i + 1,
        title: chapter.title,
        characters,
        source: chapter.source,
        ...(chapter.matter === undefined ? {} : { matter: chapter.matter }),
        read: read.has(i + 1) && characters > 0,
      };
    });
  }
  const text = validateText(input.text);
  return detectChapters(text).map((chapter, i) => {
    const body = headingEnd(text, chapter) ?? chapter.start;
    const characters = countCodePoints(text.slice(body, chapter.end).trim());
    return {
      number: i + 1,
      title: chapter.title,
      characters,
      read: (options.chapters === undefined || options.chapters.has(i + 1)) && characters > 0,
    };
  });
}

/** How many chapters `--chapters` may count in this input. */
function chapterCount(input: BookInput): number {
  return input.kind === 'book' ? input.book.chapters.length : detectChapters(validateText(input.text)).length;
}

/**
 * The reading choices for one input, checked against it: a chapter past its last is an
 * InputError. Plain text is scanned for its chapters only when chapters are chosen.
 */
export function resolveReadingOptions(input: BookInput, raw: RawReadingOptions): BookTextOptions {
  return {
    skipFrontMatter: raw.skipFrontMatter ?? input.source.format === 'epub',
    speakHeadings: raw.speakHeadings ?? true,
    ...(raw.chapters === undefined ? {} : { chapters: parseChapterSelection(raw.chapters, chapterCount(input)) }),
  };
}

/**
 * What the planner reads. Plain text with every chapter and its headings is passed as it is, so
 * a plain-text render plans exactly as before; otherwise the chosen chapters are placed for it
 * (a plain-text chapter without its heading line when headings are not spoken, its title kept
 * as the chapter's name). Nothing left to read is an InputError naming `chapters`.
 */
export function textToPlan(input: BookInput, options: BookTextOptions): string | StructuredText {
  const planned = input.kind === 'book' ? bookText(input.book, options) : plainTextChapters(input.text, options);
  if (typeof planned !== 'string' && planned.chapters.length === 0) {
    throw new InputError(
      'chapters',
      input.kind === 'book' && input.book.chapters.length > 0
        ? 'the chapters chosen have nothing to read (front matter is skipped unless --chapters names it; see tts-batch chapters FILE)'
        : 'the book has no chapter with text to read',
      options.chapters === undefined ? undefined : [...options.chapters].join(','),
    );
  }
  return planned;
}

function plainTextChapters(raw: string, options: BookTextOptions): string | StructuredText {
  if (options.chapters === undefined && options.speakHeadings) return raw;
  const text = validateText(raw);
  let out = '';
  const chapters: GivenChapter[] = [];
  detectChapters(text).forEach((chapter, i) => {
    const number = i + 1;
    if (options.chapters !== undefined && !options.chapters.has(number)) return;
    const end = headingEnd(text, chapter);
    const from = options.speakHeadings || end === undefined ? chapter.start : end;
    const body = text.slice(from, chapter.end).trim();
    if (body === '') return;
    if (out !== '') out += '\n\n';
    const start = out.length;
    out += body;
    chapters.push({ title: chapter.title, start, end: out.length, heading: options.speakHeadings && end !== undefined, number });
  });
  return { text: out, chapters };
}
