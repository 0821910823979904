import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { isTag, isText, type Document, type Element } from 'domhandler';
import { findAll, findOne, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openEpubZip, type EpubZip } from '../../src/book/epub/epub-zip.ts';
import type { ManifestSentence } from '../../src/render/manifest.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { twelveChapterBook, writeEpub, type FixtureBook } from '../support/epub-builder.ts';
import { lavfiPicture } from '../support/lavfi.ts';
import { cliRendered } from '../support/render-output.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

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
async function walkReadAlong(
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

describe('--read-along: an EPUB 3 with Media Overlays (issue 13 item 3)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('readalong');
  const API_KEY = 'sim-key-readalong-77a1';
  let simulator: SenseAudioSimulator;
  let dir: string;
  let jpeg: Buffer;
  const cli = (args: readonly string[]): Promise<CliResult> =>
    runCli(args, {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      LOG_LEVEL: 'silent',
    });
  const render = (file: string, extra: readonly string[] = []): Promise<CliResult> =>
    cli(['render', file, '--provider', 'senseaudio', '--local', '--out', join(dir, 'out'), '--read-along', ...extra]);

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 20, tone: 'sentences' });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-readalong-'));
    await lavfiPicture(join(dir, 'cover.jpg'), 'navy', '64x64');
    jpeg = await readFile(join(dir, 'cover.jpg'));
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('12 chapters: epubcheck passes, and every <par> resolves to its sentence on the page and its clip in the audio', async () => {
    const fixture = twelveChapterBook(3, jpeg, jpeg);
    const file = join(dir, 'keeper.epub');
    await writeEpub(file, fixture);
    const result = await render(file, ['--format', 'm4b']);
    expect(result.code, result.stderr).toBe(0);
    const { manifest, folder, bookPath } = await cliRendered(result.stdout);
    const listed = manifest.files.find((f) => f.role === 'read-along');
    // Written by hand beside the fixture's markup: each chapter's title, then its paragraphs as read.
    const expected = fixture.chapters.flatMap((chapter) => [chapter.title, ...chapter.paragraphs.map((p) => p.spoken)]);
    const sentences = manifest.sentences ?? [];
    expect(sentences.map((s) => s.text)).toEqual(expected);
    expect(listed).toMatchObject({
      name: 'The Keeper of the Light.epub',
      format: 'epub',
      readAlong: { synced: 36, unsynced: 0, documents: 12 },
    });
    const path = join(folder, listed?.name ?? '');

    expect(await walkReadAlong(path, file, sentences, { path: bookPath, durationMs: manifest.durationMs }, 'audio/mp4')).toBe(36);
  }, 180_000);

  it('paragraphs of several sentences, markup across them, Chinese without spaces: every sentence synced, as mp3', async () => {
    const fixture: FixtureBook = {
      version: 3,
      title: 'Harbour Sentences',
      author: 'Ann Writer',
      language: 'en',
      identifier: 'urn:uuid:7d1f5b44-52a8-4c2e-8f0e-00000000a13a',
      chapters: [
        {
          title: 'The Fog',
          paragraphs: [
            {
              xhtml: 'The fog came in at dusk. He said <em>nothing</em>, and waited. <em>Nobody came.</em> Was it over?',
              spoken: 'The fog came in at dusk. He said nothing, and waited. Nobody came. Was it over?',
            },
            {
              xhtml: '&#8220;Run!&#8221; she cried. <strong>The bell rang twice. Then</strong> it stopped.',
              spoken: '\u201cRun!\u201d she cried. The bell rang twice. Then it stopped.',
            },
          ],
        },
        {
          title: 'The Light',
          paragraphs: [
            {
              xhtml: '灯亮了。海很安静。The lamp turned, slowly, over the water.',
              spoken: '灯亮了。海很安静。The lamp turned, slowly, over the water.',
            },
          ],
        },
      ],
    };
    const file = join(dir, 'sentences.epub');
    await writeEpub(file, fixture);
    const result = await render(file);
    expect(result.code, result.stderr).toBe(0);
    const { manifest, folder, bookPath } = await cliRendered(result.stdout);
    const sentences = manifest.sentences ?? [];
    // By hand: the planner's sentences of the book above.
    expect(sentences.map((s) => s.text)).toEqual([
      'The Fog',
      'The fog came in at dusk.',
      'He said nothing, and waited.',
      'Nobody came.',
      'Was it over?',
      // The sentence splitter ends a sentence at a closing quote after `!`, even before a lower-case word.
      '\u201cRun!\u201d',
      'she cried.',
      'The bell rang twice.',
      'Then it stopped.',
      'The Light',
      '灯亮了。',
      '海很安静。',
      'The lamp turned, slowly, over the water.',
    ]);
    const listed = manifest.files.find((f) => f.role === 'read-along');
    expect(listed?.readAlong).toEqual({ synced: sentences.length, unsynced: 0, documents: 2 });
    expect(
      await walkReadAlong(
        join(folder, listed?.name ?? ''),
        file,
        sentences,
        { path: bookPath, durationMs: manifest.durationMs },
        'audio/mpeg',
      ),
    ).toBe(sentences.length);
  }, 180_000);

  it('is refused before anything is billed: text input, an EPUB 2, a format readers do not play', async () => {
    await writeFile(join(dir, 'plain.txt'), 'Just a sentence.');
    await writeEpub(join(dir, 'keeper-2.epub'), twelveChapterBook(2, jpeg, jpeg));
    await writeEpub(join(dir, 'keeper-3.epub'), twelveChapterBook(3, jpeg, jpeg));
    const before = simulator.requests.length;
    const cases: [string, readonly string[], RegExp][] = [
      [join(dir, 'plain.txt'), [], /^tts-batch: readAlong: needs an EPUB input .*this input reads as text\n$/],
      [join(dir, 'keeper-2.epub'), [], /^tts-batch: readAlong: needs an EPUB 3 book .*version 2\.0\n$/],
      [
        join(dir, 'keeper-3.epub'),
        ['--format', 'flac'],
        /^tts-batch: readAlong: EPUB 3 readers play mp3 or m4b audio; the output format is flac\n$/,
      ],
    ];
    for (const [file, extra, message] of cases) {
      const refused = await render(file, extra);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(message);
    }
    expect(simulator.requests.length).toBe(before);
  }, 60_000);
});
