import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import { isTag, isText, type Document, type Element } from 'domhandler';
import { findAll, findOne, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import { expect } from 'vitest';
import { openEpubZip, type EpubZip } from '../../src/book/epub/epub-zip.ts';
import type { ManifestSentence } from '../../src/render/manifest.ts';

const run = promisify(execFile);

const xml = (text: string): Document => parseDocument(text, { xmlMode: true, decodeEntities: true });
const byId = (document: Document, id: string): Element | null => findOne((element) => element.attribs.id === id, document.children, true);
const lettersOf = (text: string): string => text.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
const oneLine = (text: string): string => text.replace(/\s+/gu, ' ').trim();
/** A span's text as read: an image reads as its alt text; a note mark (`<a epub:type="noteref">`) is printed, not spoken. */
function spokenIn(element: Element): string {
  if (element.name === 'img') return ` ${element.attribs.alt ?? ''} `;
  return element.children
    .map((node) => (isText(node) ? node.data : isTag(node) && node.attribs['epub:type'] !== 'noteref' ? spokenIn(node) : ''))
    .join('');
}

/** `h:mm:ss.mmm` → ms. */
function clockMs(clock: string): number {
  const match = /^(\d+):(\d{2}):(\d{2})\.(\d{3})$/u.exec(clock);
  expect(match, clock).not.toBeNull();
  const [, h, m, s, ms] = (match ?? []).map(Number) as [number, number, number, number, number];
  return ((h * 60 + m) * 60 + s) * 1000 + ms;
}

async function entryText(zip: EpubZip, name: string): Promise<string> {
  expect(zip.has(name), `${name} is in the EPUB`).toBe(true);
  return (await zip.read(name, 64 * 1024 * 1024)).toString('utf8');
}

/**
 * Checks a read-along EPUB the way a reading system would use it: epubcheck first, then every
 * `<par>` of every overlay: its text fragment names a span on the page the package pairs with
 * that overlay, holding the manifest's sentence; its clip is in the audio entry, starts at the
 * sentence's time and ends within the audio; each overlay's media:duration is its clips' sum.
 * The pages read as the source's did (only spans and a stylesheet link were added). Returns the
 * number of pars.
 */
export async function walkReadAlong(
  path: string,
  sourcePath: string,
  sentences: readonly ManifestSentence[],
  book: { path: string; durationMs: number },
  audioType: string,
): Promise<number> {
  const { path: bookPath, durationMs: bookMs } = book;
  const checked = await run('java', ['-jar', '/usr/bin/epubcheck', path]).catch((error: { stdout: string; stderr: string }) => error);
  expect(`${checked.stdout}\n${checked.stderr}`).toMatch(/No errors or warnings detected/);

  const epub = await readFile(path);
  expect(epub.subarray(30, 38).toString('latin1'), 'mimetype first, stored').toBe('mimetype');
  const zip = await openEpubZip(epub);
  const source = await openEpubZip(await readFile(sourcePath));
  try {
    const opfPath = 'OEBPS/content.opf';
    const opf = xml(await entryText(zip, opfPath));
    const items = findAll((element) => element.name === 'item', opf.children);
    const entryOf = (item: Element): string => posix.normalize(posix.join(posix.dirname(opfPath), item.attribs.href ?? ''));
    const overlays = items.filter((item) => item.attribs['media-type'] === 'application/smil+xml');
    expect(overlays.length).toBeGreaterThan(0);
    const audioItem = items.find((item) => item.attribs['media-type'] === audioType);
    expect(audioItem).toBeDefined();
    const audioEntry = entryOf(audioItem as Element);
    // The book file itself, byte for byte: the manifest's times are that file's times.
    expect((await zip.read(audioEntry, 512 * 1024 * 1024)).equals(await readFile(bookPath)), 'the audio is the book file').toBe(true);
    const audioMs = bookMs;

    const durations = new Map<string, number>();
    for (const meta of findAll((element) => element.name === 'meta' && element.attribs.property === 'media:duration', opf.children))
      durations.set(meta.attribs.refines ?? '', clockMs(textContent(meta).trim()));
    let pars = 0;
    for (const overlay of overlays) {
      const smilEntry = entryOf(overlay);
      const smil = xml(await entryText(zip, smilEntry));
      const page = items.find((item) => item.attribs['media-overlay'] === overlay.attribs.id);
      expect(page, `a page points at ${smilEntry}`).toBeDefined();
      let clips = 0;
      for (const par of findAll((element) => element.name === 'par', smil.children)) {
        const text = findOne((element) => element.name === 'text', par.children, true);
        const audio = findOne((element) => element.name === 'audio', par.children, true);
        const [href = '', id = ''] = (text?.attribs.src ?? '').split('#');
        const textEntry = posix.normalize(posix.join(posix.dirname(smilEntry), decodeURIComponent(href)));
        expect(textEntry).toBe(entryOf(page as Element));
        const span = byId(xml(await entryText(zip, textEntry)), id);
        expect(span, `${textEntry}#${id}`).not.toBeNull();
        const sentence = sentences[pars];
        expect(lettersOf(spokenIn(span as Element)), `${textEntry}#${id}`).toBe(lettersOf(sentence?.text ?? ''));
        expect(posix.normalize(posix.join(posix.dirname(smilEntry), decodeURIComponent(audio?.attribs.src ?? '')))).toBe(audioEntry);
        const begin = clockMs(audio?.attribs.clipBegin ?? '');
        const end = clockMs(audio?.attribs.clipEnd ?? '');
        expect(Math.abs(begin - (sentence?.startMs ?? NaN))).toBeLessThanOrEqual(1);
        expect(end).toBeGreaterThan(begin);
        expect(end).toBeLessThanOrEqual(audioMs + 1);
        clips += end - begin;
        pars += 1;
      }
      expect(durations.get(`#${overlay.attribs.id}`)).toBe(clips);
    }
    expect(durations.get('')).toBe([...durations.entries()].filter(([k]) => k !== '').reduce((sum, [, ms]) => sum + ms, 0));

    // The pages read as before: only spans were added (and the stylesheet link).
    for (const name of source.names()) {
      if (!name.endsWith('.xhtml')) continue;
      const body = (text: string): string =>
        oneLine(textContent(findOne((element) => element.name === 'body', xml(text).children, true) as Element));
      expect(body(await entryText(zip, name)), name).toBe(body(await entryText(source, name)));
    }
    return pars;
  } finally {
    zip.close();
    source.close();
  }
}
