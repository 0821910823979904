import { isTag, isText, type ChildNode, type Element, type Text } from 'domhandler';
import { collapseWhitespace } from '../../util/collapse-whitespace.ts';

/** Where a block's text came from: its text before collapsing, cut into the text nodes (or alt texts: node null) it joins. */
export interface BlockTrace {
  raw: string;
  pieces: { node: Text | null; start: number; end: number }[];
}

/** A piece of a document in reading order: a heading (it may start a chapter) or a paragraph. */
export type HtmlBlock =
  | { kind: 'heading'; level: number; text: string; id?: string; trace?: BlockTrace }
  | { kind: 'paragraph'; text: string; trace?: BlockTrace }
  /** An element with an `id` (an anchor a table of contents may point at), where it starts. */
  | { kind: 'anchor'; id: string };

/** Never read: code, styling and machinery, and what the page itself hides. */
const DROPPED = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'nav',
  'head',
  'iframe',
  'object',
  'svg',
  'math',
  'audio',
  'video',
  'canvas',
  'button',
  'select',
  'input',
  'textarea',
]);

/** Elements that end a paragraph before and after them. */
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'header',
  'hgroup',
  'hr',
  'html',
  'legend',
  'li',
  'main',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'ul',
  'br',
]);

const HEADING = /^h([1-6])$/u;

/** EPUB semantics (epub:type, role) of notes: their bodies are not read where they stand, nor their reference marks. */
const NOTE_BODY = /\b(?:footnote|endnote|rearnote|footnotes|endnotes|rearnotes)\b/u;
const NOTE_REF = /\bnoteref\b/u;

function semantics(element: Element): string {
  return `${element.attribs['epub:type'] ?? ''} ${element.attribs.role ?? ''}`.toLowerCase();
}

/** Hidden by the page: `hidden`, `aria-hidden="true"`, or an inline `display: none` / `visibility: hidden`. */
function hidden(element: Element): boolean {
  if ('hidden' in element.attribs) return true;
  if (element.attribs['aria-hidden'] === 'true') return true;
  const style = (element.attribs.style ?? '').toLowerCase().replace(/\s+/gu, '');
  return style.includes('display:none') || style.includes('visibility:hidden');
}

/** A link that is only a note mark: `epub:type="noteref"`, or digits, asterisks or daggers pointing within the book. */
function noteReference(element: Element, text: string): boolean {
  if (NOTE_REF.test(semantics(element)) || /\bdoc-noteref\b/u.test(element.attribs.role ?? '')) return true;
  const href = element.attribs.href ?? '';
  return href.includes('#') && /^[\s[(]*(?:\d{1,4}|[*†‡§¶]+)[\s\])]*$/u.test(text);
}

/** The text of nodes in order, each text node handed to `add` (scripts, styles and hidden parts left out). */
function collectText(nodes: readonly ChildNode[], add: (node: Text) => void): void {
  for (const node of nodes) {
    if (isText(node)) add(node);
    else if (isTag(node)) {
      const element = node;
      if (DROPPED.has(element.name) || hidden(element)) continue;
      collectText(element.children, add);
    }
  }
}

function textOf(nodes: readonly ChildNode[]): string {
  let out = '';
  collectText(nodes, (node) => (out += node.data));
  return out;
}

/** The text of nodes with where each part came from. */
function tracedText(nodes: readonly ChildNode[]): BlockTrace {
  const trace: BlockTrace = { raw: '', pieces: [] };
  collectText(nodes, (node) => {
    trace.pieces.push({ node, start: trace.raw.length, end: trace.raw.length + node.data.length });
    trace.raw += node.data;
  });
  return trace;
}

function emptyMarker(element: Element): boolean {
  return !/\bpagebreak\b/u.test(semantics(element)) && collapseWhitespace(textOf(element.children)) === '';
}

/**
 * The blocks of an HTML or XHTML body, in reading order: block elements end paragraphs,
 * inline markup is reduced to its text, an image reads as its alt text, a table row reads its
 * cells joined by ", ", headings are blocks of their own; scripts, styles, navigation, hidden
 * content, note marks and note bodies are left out. Text is whitespace-collapsed (entities are
 * decoded by the parser). With `trace`, paragraphs and headings also say which text nodes their
 * text came from (read-along marks sentences in the document: src/book/read-along/); a table
 * row's text is not traced.
 */
export function htmlBlocks(nodes: readonly ChildNode[], options: { trace?: boolean } = {}): HtmlBlock[] {
  const blocks: HtmlBlock[] = [];
  let open = '';
  let pieces: BlockTrace['pieces'] = [];
  const add = (text: string, node: Text | null): void => {
    pieces.push({ node, start: open.length, end: open.length + text.length });
    open += text;
  };
  const flush = (): void => {
    const text = collapseWhitespace(open);
    if (text !== '') blocks.push({ kind: 'paragraph', text, ...(options.trace === true ? { trace: { raw: open, pieces } } : {}) });
    open = '';
    pieces = [];
  };
  const walk = (children: readonly ChildNode[]): void => {
    for (const node of children) {
      if (isText(node)) {
        add(node.data, node);
        continue;
      }
      if (!isTag(node)) continue;
      const element = node;
      const name = element.name.toLowerCase().replace(/^.*:/u, '');
      if (DROPPED.has(name) || hidden(element)) continue;
      if (NOTE_BODY.test(semantics(element)) || name === 'aside') {
        flush();
        continue;
      }
      const id = element.attribs.id;
      const heading = HEADING.exec(name);
      if (heading !== null) {
        flush();
        if (id !== undefined) blocks.push({ kind: 'anchor', id });
        const trace = tracedText(element.children);
        const text = collapseWhitespace(trace.raw);
        if (text !== '')
          blocks.push({
            kind: 'heading',
            level: Number(heading[1]),
            text,
            ...(id === undefined ? {} : { id }),
            ...(options.trace === true ? { trace } : {}),
          });
        continue;
      }
      if (name === 'img') {
        const alt = collapseWhitespace(element.attribs.alt ?? '');
        if (alt !== '') add(` ${alt} `, null);
        continue;
      }
      if (name === 'a' && noteReference(element, collapseWhitespace(textOf(element.children)))) continue;
      if (name === 'tr') {
        flush();
        const cells = element.children
          .filter((child): child is Element => isTag(child) && /^t[dh]$/u.test(child.name))
          .map((cell) => collapseWhitespace(textOf(cell.children)))
          .filter((cell) => cell !== '');
        if (cells.length > 0) blocks.push({ kind: 'paragraph', text: cells.join(', ') });
        continue;
      }
      const block = BLOCK.has(name);
      if (block) flush();
      if (id !== undefined && (block || emptyMarker(element))) {
        // An empty inline anchor (`<a id="ch2"/>`) marks a place a table of contents may point
        // at, so the paragraph ends there; an id on inline text (or a page-break mark) does not.
        if (!block) flush();
        blocks.push({ kind: 'anchor', id });
      }
      walk(element.children);
      if (block) flush();
    }
  };
  walk(nodes);
  flush();
  return blocks;
}
