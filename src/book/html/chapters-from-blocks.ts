import { InputError } from '../../errors/input-error.ts';
import type { BookChapter } from '../book.ts';
import type { HtmlBlock } from './html-blocks.ts';

/**
 * The heading level that splits a document into chapters when none is given: the shallowest
 * level used more than once (a lone `<h1>` over `<h2>` chapters is the book's title), else the
 * shallowest used at all.
 */
export function chapterLevelOf(levels: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const level of levels) counts.set(level, (counts.get(level) ?? 0) + 1);
  const used = [...counts.keys()].sort((a, b) => a - b);
  return used.find((level) => (counts.get(level) ?? 0) > 1) ?? used[0];
}

/** A heading's anchor: its id, else a GitHub-style slug of its text. */
export function headingAnchor(text: string, id: string | undefined): string {
  if (id !== undefined && id !== '') return `#${id}`;
  return `#${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s+/gu, '-')}`;
}

/**
 * Cuts blocks into chapters at headings of the chapter level (or shallower); deeper headings
 * are paragraphs of their own. Text before the first chapter heading is a chapter titled ''
 * when it has paragraphs; shallower headings above the chapter level (a lone book title) start
 * nothing and are not read.
 */
export function chaptersFromBlocks(blocks: readonly HtmlBlock[], chapterLevel: number | undefined): BookChapter[] {
  if (chapterLevel !== undefined && (!Number.isInteger(chapterLevel) || chapterLevel < 1 || chapterLevel > 6))
    throw new InputError('chapterLevel', 'must be a heading level from 1 to 6', chapterLevel);
  const levels = blocks.flatMap((block) => (block.kind === 'heading' ? [block.level] : []));
  const level = chapterLevel ?? chapterLevelOf(levels);
  const chapters: BookChapter[] = [];
  let current: BookChapter = { title: '', paragraphs: [], source: '(start)' };
  for (const block of blocks) {
    if (block.kind === 'anchor') continue;
    if (block.kind === 'heading' && level !== undefined && block.level <= level) {
      if (current.paragraphs.length > 0 || current.title !== '') chapters.push(current);
      // A heading above the chapter level is the book's (or a part's) title: it opens no chapter of its own.
      current =
        block.level === level
          ? { title: block.text, paragraphs: [], source: headingAnchor(block.text, block.id) }
          : { title: '', paragraphs: [], source: headingAnchor(block.text, block.id) };
      continue;
    }
    current.paragraphs.push(block.text);
  }
  if (current.paragraphs.length > 0 || current.title !== '') chapters.push(current);
  return chapters;
}
