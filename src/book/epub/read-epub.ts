import { isTag, type Element } from 'domhandler';
import { findOne } from 'domutils';
import type { Book, BookChapter, BookCover } from '../book.ts';
import { htmlBlocks, type HtmlBlock } from '../html/html-blocks.ts';
import { refuseEncrypted } from './epub-drm.ts';
import { matterOf } from './epub-matter.ts';
import { readEpubPackage, type EpubPackage } from './epub-package.ts';
import { readEpubToc, type TocEntry } from './epub-toc.ts';
import { parseXhtml } from './epub-xml.ts';
import { EPUB_LIMITS, openEpubZip, type EpubZip } from './epub-zip.ts';

/**
 * Reads an EPUB 2 or 3 as a Book: metadata and cover from the package, reading order from the
 * spine, chapters and their titles from the nav document (EPUB3) or the NCX (EPUB2), front
 * matter marked from landmarks, the guide and `epub:type`. A DRM-encrypted book, a malformed
 * package, a zip bomb or an entry past its bound is one InputError naming `file`.
 *
 * Chapters: each table-of-contents entry starts one at its target (a file, or an anchor inside
 * one), in spine order, and runs to the next; nested entries are flattened, and a parent and
 * its first child pointing at the same place make one chapter "Parent: Child". A spine item no
 * entry points into continues the chapter before it (a long chapter split across files), unless
 * it is front matter, non-linear, or before the first entry: then it is a chapter of its own,
 * titled by its first heading. A chapter's own heading (the first, when it reads like the
 * title) is not repeated as a paragraph: the planner speaks the title.
 */
export async function readEpub(bytes: Buffer): Promise<Book> {
  const zip = await openEpubZip(bytes);
  try {
    await refuseEncrypted(zip);
    const pkg = await readEpubPackage(zip);
    const toc = await readEpubToc(zip, pkg);
    const chapters = await epubChapters(zip, pkg, toc.entries, toc.landmarks);
    const cover = await readCover(zip, pkg);
    return { format: 'epub', metadata: pkg.metadata, ...(cover === undefined ? {} : { cover }), chapters };
  } finally {
    zip.close();
  }
}

interface Cut {
  block: number;
  title: string;
  source: string;
}

const normal = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

async function epubChapters(
  zip: EpubZip,
  pkg: EpubPackage,
  entries: readonly TocEntry[],
  landmarks: ReadonlyMap<string, string>,
): Promise<BookChapter[]> {
  const chapters: BookChapter[] = [];
  let current: BookChapter | undefined;
  const close = (): void => {
    if (current !== undefined) chapters.push(current);
    current = undefined;
  };
  for (const { item, linear } of pkg.spine) {
    if (!/x?html|xml/u.test(item.mediaType) && !/\.x?html?$/u.test(item.path)) continue;
    const document = parseXhtml(await zip.read(item.path, EPUB_LIMITS.maxXmlBytes), item.path);
    const body = findOne((element) => element.name === 'body', document.children, true);
    const blocks = htmlBlocks(body?.children ?? document.children);
    const cuts = cutsIn(item.path, blocks, entries);
    const semantics = [landmarks.get(item.path) ?? '', ...documentSemantics(body)].filter(Boolean);
    const matter = item.id === pkg.nav?.id ? 'toc' : matterOf(semantics);
    const firstCut = cuts[0]?.block;
    if (firstCut !== 0 && (current === undefined || matter !== undefined || !linear)) {
      close();
      const heading = blocks.find((block) => block.kind === 'heading');
      current = {
        title: heading?.kind === 'heading' ? heading.text : '',
        paragraphs: [],
        source: item.path,
        ...(matter === undefined ? {} : { matter }),
      };
    }
    blocks.forEach((block, index) => {
      for (const cut of cuts.filter((c) => c.block === index)) {
        close();
        current = { title: cut.title, paragraphs: [], source: cut.source, ...(index === 0 && matter !== undefined ? { matter } : {}) };
      }
      if (current === undefined || block.kind === 'anchor') return;
      if (block.kind === 'heading' && current.paragraphs.length === 0 && current.title !== '' && sameTitle(block.text, current.title))
        return;
      current.paragraphs.push(block.text);
    });
  }
  close();
  return chapters;
}

/** The chapter's own heading: its text reads as the title, or the title ends with it ("Part One: Chapter 1" / "Chapter 1"). */
function sameTitle(heading: string, title: string): boolean {
  const a = normal(heading);
  const b = normal(title);
  return a !== '' && (a === b || b.endsWith(a) || a.endsWith(b));
}

/** The table-of-contents entries that start in this file, at the block they point at, merged where two point at one place. */
function cutsIn(path: string, blocks: readonly HtmlBlock[], entries: readonly TocEntry[]): Cut[] {
  const byBlock = new Map<number, { title: string; source: string; depth: number }>();
  for (const entry of entries) {
    if (entry.path !== path) continue;
    let block = 0;
    if (entry.fragment !== undefined) {
      const at = blocks.findIndex(
        (b) => (b.kind === 'anchor' && b.id === entry.fragment) || (b.kind === 'heading' && b.id === entry.fragment),
      );
      block = at === -1 ? 0 : at;
    }
    // Nothing before the target but anchors: the entry starts the file.
    if (blocks.slice(0, block).every((b) => b.kind === 'anchor')) block = 0;
    const source = entry.fragment === undefined ? path : `${path}#${entry.fragment}`;
    const there = byBlock.get(block);
    if (there === undefined) byBlock.set(block, { title: entry.title, source, depth: entry.depth });
    else if (entry.depth > there.depth && entry.title !== '' && normal(entry.title) !== normal(there.title))
      byBlock.set(block, { title: there.title === '' ? entry.title : `${there.title}: ${entry.title}`, source, depth: entry.depth });
  }
  return [...byBlock.entries()].sort((a, b) => a[0] - b[0]).map(([block, cut]) => ({ block, title: cut.title, source: cut.source }));
}

/** `epub:type` of the body and of its first section: where a content document says what it is. */
function documentSemantics(body: Element | null): string[] {
  if (body === null) return [];
  const first = body.children.find((child): child is Element => isTag(child));
  return [body, first]
    .flatMap((element) => (element === undefined ? [] : (element.attribs['epub:type'] ?? '').split(/\s+/u)))
    .filter(Boolean);
}

/** The package's cover image, when it is a JPEG or PNG within bounds; else none (the book reads without it). */
async function readCover(zip: EpubZip, pkg: EpubPackage): Promise<BookCover | undefined> {
  const item = pkg.cover;
  if (item === undefined || !zip.has(item.path)) return undefined;
  const contentType = item.mediaType === 'image/jpg' ? 'image/jpeg' : item.mediaType;
  if (contentType !== 'image/jpeg' && contentType !== 'image/png') return undefined;
  if (zip.size(item.path) > EPUB_LIMITS.maxCoverBytes) return undefined;
  return { bytes: await zip.read(item.path, EPUB_LIMITS.maxCoverBytes), contentType, source: item.path };
}
