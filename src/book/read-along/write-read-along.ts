import { createWriteStream } from 'node:fs';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Element, type Document } from 'domhandler';
import { appendChild, findOne } from 'domutils';
import { ZipFile } from 'yazl';
import { InputError } from '../../errors/input-error.ts';
import { readEpubPackage } from '../epub/epub-package.ts';
import { EPUB_LIMITS, openEpubZip } from '../epub/epub-zip.ts';
import { documentBlocks, pointAt, type ReadBlock } from './document-text.ts';
import { findSentence, searchable, type FoundSentence, type SearchableText } from './find-sentence.ts';
import { hrefBetween, overlayDocument, overlayDurationMs, type OverlayPar } from './media-overlay.ts';
import { ACTIVE_CLASS, addOverlaysToPackage, type OverlayEntry } from './package-overlays.ts';
import { wrapRange } from './wrap-range.ts';
import { parseXmlDom, serializeXmlDom } from './xml-dom.ts';

/** A sentence as the book file speaks it: its text, its time in the audio, and its chapter (index in the plan). */
export interface ReadAlongSentence {
  text: string;
  startMs: number;
  endMs: number;
  chapter: number;
}

export interface ReadAlongInput {
  /** The EPUB 3 the book was read from. */
  epub: Buffer;
  sentences: readonly ReadAlongSentence[];
  /** The plan's chapters by index: where each comes from (`OEBPS/text/ch1.xhtml#start`). */
  chapters: readonly { source?: string | undefined }[];
  /** The whole-book audio file to put in the EPUB, and what it is. */
  audio: { path: string; mediaType: 'audio/mpeg' | 'audio/mp4'; extension: string };
  narrator?: string;
  outputPath: string;
  modified?: Date;
}

export interface ReadAlongResult {
  /** Content documents given an overlay. */
  documents: number;
  /** Sentences paired with a span (a `<par>` each), and those whose text was not found on the page. */
  synced: number;
  unsynced: number;
  /** The first few unsynced sentences, for the log. */
  unsyncedExamples: string[];
}

interface OpenDocument {
  entry: string;
  document: Document;
  blocks: ReadBlock[];
  text: SearchableText;
  found: { found: FoundSentence; par: OverlayPar }[];
}

const SENTENCE_CLASS = 'ttsb-sentence';
const STYLESHEET = `/* Read-along (EPUB 3 Media Overlays): the sentence being spoken. */\n.${ACTIVE_CLASS} { background-color: #fdeb9a; color: inherit; }\n`;

/** Whether an EPUB can carry a read-along: its package is EPUB 3. Else an InputError naming `readAlong`. */
export async function checkReadAlongSource(epub: Buffer): Promise<void> {
  const zip = await openEpubZip(epub);
  try {
    const pkg = await readEpubPackage(zip);
    if (!pkg.version.startsWith('3'))
      throw new InputError(
        'readAlong',
        `needs an EPUB 3 book (Media Overlays are EPUB 3); this one's package is version ${pkg.version || '(none)'}`,
        pkg.version,
      );
  } finally {
    zip.close();
  }
}

/**
 * Writes the book as an EPUB 3 with Media Overlays: every file of the source kept, each sentence
 * found on its page wrapped in a `<span id>`, one SMIL overlay per content document pairing each
 * span with its clip in the book's audio (added to the EPUB), the package given the overlays,
 * their `media:duration`s and the active class with a stylesheet for it.
 *
 * Sentences are found in reading order by their letters and digits (quotes, dashes, spacing and
 * case may differ from the page), in the document their chapter starts in or the one after it
 * (a chapter split across files); a sentence not found there (a spoken title the page words
 * differently) is left without a `<par>`, and counted.
 */
export async function writeReadAlong(input: ReadAlongInput): Promise<ReadAlongResult> {
  const zip = await openEpubZip(input.epub);
  try {
    const pkg = await readEpubPackage(zip);
    const spine = pkg.spine.map(({ item }) => item).filter((item) => /x?html|xml/u.test(item.mediaType) || /\.x?html?$/u.test(item.path));
    const opened = new Map<number, OpenDocument>();
    const open = async (index: number): Promise<OpenDocument | undefined> => {
      const item = spine[index];
      if (item === undefined) return undefined;
      const known = opened.get(index);
      if (known !== undefined) return known;
      const document = parseXmlDom((await zip.read(item.path, EPUB_LIMITS.maxXmlBytes)).toString('utf8'));
      const blocks = documentBlocks(document);
      const doc: OpenDocument = { entry: item.path, document, blocks, text: searchable(blocks), found: [] };
      opened.set(index, doc);
      return doc;
    };
    const spineIndexOf = (source: string | undefined): number => {
      const path = source?.split('#')[0];
      return path === undefined ? -1 : spine.findIndex((item) => item.path === path);
    };

    let cursor = { doc: 0, key: 0 };
    let chapter = -1;
    let floor: { doc: number; block: number; end: number } | null = null;
    const result: ReadAlongResult = { documents: 0, synced: 0, unsynced: 0, unsyncedExamples: [] };
    for (const [n, sentence] of input.sentences.entries()) {
      if (sentence.chapter !== chapter) {
        chapter = sentence.chapter;
        const start = spineIndexOf(input.chapters[chapter]?.source);
        if (start > cursor.doc) cursor = { doc: start, key: 0 };
      }
      let hit: { doc: number; found: FoundSentence; next: number } | null = null;
      for (const docIndex of [cursor.doc, cursor.doc + 1]) {
        const doc = await open(docIndex);
        if (doc === undefined) continue;
        const from = docIndex === cursor.doc ? cursor.key : 0;
        const below = floor !== null && floor.doc === docIndex ? floor : null;
        const found = findSentence(doc.text, doc.blocks, sentence.text, from, below);
        if (found !== null) {
          hit = { doc: docIndex, ...found };
          break;
        }
      }
      if (hit === null || sentence.endMs <= sentence.startMs) {
        result.unsynced += 1;
        if (result.unsyncedExamples.length < 5) result.unsyncedExamples.push(sentence.text);
        continue;
      }
      const doc = opened.get(hit.doc) as OpenDocument;
      doc.found.push({ found: hit.found, par: { id: `ttsb-s${n + 1}`, startMs: sentence.startMs, endMs: sentence.endMs } });
      cursor = { doc: hit.doc, key: hit.next };
      floor = { doc: hit.doc, block: hit.found.block, end: hit.found.end };
      result.synced += 1;
    }

    const folder = posix.dirname(pkg.opfPath) === '.' ? 'read-along' : `${posix.dirname(pkg.opfPath)}/read-along`;
    const audioEntry = `${folder}/book.${input.audio.extension}`;
    const cssEntry = `${folder}/read-along.css`;
    const replaced = new Map<string, string>();
    const added: { entry: string; text: string }[] = [];
    const overlays: OverlayEntry[] = [];
    for (const [index, doc] of [...opened.entries()].sort((a, b) => a[0] - b[0])) {
      if (doc.found.length === 0) continue;
      // Last first: a cut keeps the text before it in the original node, so earlier points stay valid.
      for (const { found, par } of [...doc.found].reverse()) {
        const block = doc.blocks[found.block] as ReadBlock;
        const start = pointAt(block, found.start, 'start');
        const end = pointAt(block, found.end, 'end');
        if (start === null || end === null) continue;
        wrapRange(start, end, par.id, SENTENCE_CLASS);
      }
      linkStylesheet(doc.document, hrefBetween(doc.entry, cssEntry));
      replaced.set(doc.entry, serializeXmlDom(doc.document));
      const smilEntry = `${folder}/${String(index + 1).padStart(3, '0')}-${posix.basename(doc.entry).replace(/\.[^.]*$/u, '')}.smil`;
      const pars = doc.found.map(({ par }) => par);
      added.push({ entry: smilEntry, text: overlayDocument(smilEntry, doc.entry, audioEntry, pars) });
      overlays.push({ textEntry: doc.entry, smilEntry, durationMs: overlayDurationMs(pars) });
      result.documents += 1;
    }
    const opf = parseXmlDom((await zip.read(pkg.opfPath, EPUB_LIMITS.maxXmlBytes)).toString('utf8'));
    addOverlaysToPackage(opf, {
      opfPath: pkg.opfPath,
      overlays,
      audio: { entry: audioEntry, mediaType: input.audio.mediaType },
      css: { entry: cssEntry },
      ...(input.narrator === undefined ? {} : { narrator: input.narrator }),
      modified: input.modified ?? new Date(),
    });
    replaced.set(pkg.opfPath, serializeXmlDom(opf));

    const out = new ZipFile();
    // The OCF rule: `mimetype` first, stored, no extra field.
    out.addBuffer(Buffer.from('application/epub+zip'), 'mimetype', { compress: false });
    for (const name of zip.names()) {
      if (name === 'mimetype' || name.endsWith('/')) continue;
      const text = replaced.get(name);
      out.addBuffer(text === undefined ? await zip.read(name, EPUB_LIMITS.maxEntryBytes) : Buffer.from(text), name);
    }
    for (const { entry, text } of added) out.addBuffer(Buffer.from(text), entry);
    out.addBuffer(Buffer.from(STYLESHEET), cssEntry);
    // Audio does not deflate: stored, and streamed from the encoded file (never held in memory).
    out.addFile(input.audio.path, audioEntry, { compress: false });
    out.end();
    await pipeline(out.outputStream, createWriteStream(input.outputPath));
    return result;
  } finally {
    zip.close();
  }
}

/** Links the active-class stylesheet from the document's head. */
function linkStylesheet(document: Document, href: string): void {
  const head = findOne((element) => element.name.replace(/^.*:/u, '') === 'head', document.children, true);
  if (head === null) return;
  appendChild(head, new Element('link', { rel: 'stylesheet', type: 'text/css', href }));
}
