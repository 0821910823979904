import { decodeHTML } from 'entities';
import { Lexer, type Token, type Tokens } from 'marked';
import { parseDocument } from 'htmlparser2';
import type { Book } from '../book.ts';
import { chapterLevelOf, chaptersFromBlocks } from '../html/chapters-from-blocks.ts';
import { htmlBlocks, type HtmlBlock } from '../html/html-blocks.ts';
import { splitFrontMatter } from './front-matter.ts';
import { collapseWhitespace } from '../../util/collapse-whitespace.ts';

export interface ReadMarkdownOptions {
  /** The heading level that starts a chapter; default: the shallowest used more than once. */
  chapterLevel?: number | undefined;
  /** Speak code blocks (and HTML blocks, as their text); default: skipped. */
  speakCode?: boolean | undefined;
  sourceName?: string | undefined;
}

/**
 * A Markdown book, parsed by marked's lexer (GitHub-flavoured): YAML front matter as its
 * metadata; headings as chapters; emphasis, code spans and links reduced to their text (a link
 * whose text is its URL, and bare URLs, read as nothing); images as their alt text; each list
 * item, table row (cells joined by ", ") and quoted paragraph a paragraph; code blocks and HTML
 * blocks skipped unless `speakCode`. A lone top heading above the chapters names the book when
 * the front matter does not.
 */
export function readMarkdown(markdown: string, options: ReadMarkdownOptions = {}): Book {
  const { metadata, body } = splitFrontMatter(markdown);
  const blocks: HtmlBlock[] = [];
  for (const token of new Lexer({ gfm: true }).lex(body)) blockTokens(token, blocks, options.speakCode === true);
  const levels = blocks.flatMap((block) => (block.kind === 'heading' ? [block.level] : []));
  const level = options.chapterLevel ?? chapterLevelOf(levels);
  const chapters = chaptersFromBlocks(blocks, level);
  const top = Math.min(...levels);
  const tops = blocks.filter((block) => block.kind === 'heading' && block.level === top);
  const lone = tops.length === 1 ? tops[0] : undefined;
  if (metadata.title === undefined && lone?.kind === 'heading' && level !== undefined && top < level) metadata.title = lone.text;
  return { format: 'markdown', metadata, chapters };
}

function push(blocks: HtmlBlock[], text: string): void {
  const clean = collapseWhitespace(text);
  if (clean !== '') blocks.push({ kind: 'paragraph', text: clean });
}

function blockTokens(token: Token, blocks: HtmlBlock[], speakCode: boolean): void {
  switch (token.type) {
    case 'heading': {
      const heading = token as Tokens.Heading;
      const text = collapseWhitespace(inline(heading.tokens));
      if (text !== '') blocks.push({ kind: 'heading', level: heading.depth, text });
      return;
    }
    case 'paragraph':
      push(blocks, inline((token as Tokens.Paragraph).tokens));
      return;
    case 'text': {
      const text = token as Tokens.Text;
      push(blocks, text.tokens === undefined ? decodeHTML(text.text) : inline(text.tokens));
      return;
    }
    case 'list':
      for (const item of (token as Tokens.List).items) for (const child of item.tokens) blockTokens(child, blocks, speakCode);
      return;
    case 'blockquote':
      for (const child of (token as Tokens.Blockquote).tokens) blockTokens(child, blocks, speakCode);
      return;
    case 'table': {
      const table = token as Tokens.Table;
      for (const row of [table.header, ...table.rows]) {
        const cells = row.map((cell) => collapseWhitespace(inline(cell.tokens))).filter((cell) => cell !== '');
        if (cells.length > 0) push(blocks, cells.join(', '));
      }
      return;
    }
    case 'code':
      if (speakCode) for (const line of (token as Tokens.Code).text.split(/\n\s*\n/u)) push(blocks, line);
      return;
    case 'html':
      if (speakCode)
        for (const block of htmlBlocks(parseDocument((token as Tokens.HTML).text).children))
          if (block.kind === 'paragraph') push(blocks, block.text);
      return;
    default:
      // space, hr, def (link definitions): nothing to read.
      return;
  }
}

const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:|www\.)\S*$/iu;

/** The words of inline tokens: markers gone, links as their text, images as their alt text. */
function inline(tokens: readonly Token[] | undefined): string {
  if (tokens === undefined) return '';
  let out = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
      case 'escape': {
        const text = token as Tokens.Text;
        out += text.tokens === undefined ? decodeHTML(text.text) : inline(text.tokens);
        break;
      }
      case 'strong':
      case 'em':
      case 'del':
        out += inline((token as Tokens.Strong).tokens);
        break;
      case 'codespan':
        out += decodeHTML((token as Tokens.Codespan).text);
        break;
      case 'link': {
        const link = token as Tokens.Link;
        const text = collapseWhitespace(inline(link.tokens));
        // An autolink or a bare URL reads as nothing: a voice spelling out a URL helps nobody.
        if (text !== '' && text !== link.href && !URL_LIKE.test(text)) out += text;
        break;
      }
      case 'image':
        out += ` ${decodeHTML((token as Tokens.Image).text)} `;
        break;
      case 'br':
        out += ' ';
        break;
      default:
        // Inline HTML tags: the text between them arrives as text tokens.
        break;
    }
  }
  return out;
}
