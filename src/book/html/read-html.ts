import { parseDocument } from 'htmlparser2';
import type { Document, Element } from 'domhandler';
import { findOne, getElementsByTagName, textContent } from 'domutils';
import type { Book, BookChapter, BookMetadata } from '../book.ts';
import { chaptersFromBlocks } from './chapters-from-blocks.ts';
import { htmlBlocks } from './html-blocks.ts';
import { collapseWhitespace } from '../../util/collapse-whitespace.ts';

export interface ReadHtmlOptions {
  /** The heading level that starts a chapter; default: found from the headings (chapters-from-blocks.ts). */
  chapterLevel?: number | undefined;
}

/**
 * One HTML document as a book: `<title>`, `<meta name="author">` and `lang` as its metadata,
 * headings as chapters (the level found or given), block elements as paragraphs; script,
 * style, navigation and hidden content never read (html-blocks.ts).
 */
export function readHtml(html: string, options: ReadHtmlOptions = {}): Book {
  const document = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  const body = findOne((element) => element.name === 'body', document.children, true);
  const chapters: BookChapter[] = chaptersFromBlocks(htmlBlocks(body === null ? document.children : body.children), options.chapterLevel);
  return { format: 'html', metadata: htmlMetadata(document), chapters };
}

function htmlMetadata(document: Document): BookMetadata {
  const metadata: BookMetadata = {};
  const title = getElementsByTagName('title', document.children, true, 1)[0];
  const titleText = title === undefined ? '' : collapseWhitespace(textContent(title));
  if (titleText !== '') metadata.title = titleText;
  const metas = getElementsByTagName('meta', document.children, true);
  const meta = (name: string): string | undefined =>
    metas.find((element: Element) => (element.attribs.name ?? '').toLowerCase() === name)?.attribs.content?.trim() || undefined;
  const author = meta('author');
  if (author !== undefined) metadata.creators = [author];
  const lang = findOne((element) => element.name === 'html', document.children, false)?.attribs.lang;
  if (lang !== undefined && lang.trim() !== '') metadata.language = lang.trim();
  const date = meta('date') ?? meta('dcterms.date');
  if (date !== undefined) metadata.date = date;
  return metadata;
}
