import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEpub } from '../../../src/book/epub/read-epub.ts';
import { detectInputFormat } from '../../../src/book/detect-format.ts';
import { InputError } from '../../../src/errors/input-error.ts';
import {
  drmEpub,
  encryptionXml,
  epubEntries,
  twelveChapterBook,
  writeEpub,
  zipBytes,
  type FixtureBook,
} from '../../support/epub-builder.ts';
import { lavfiPicture } from '../../support/lavfi.ts';

const run = promisify(execFile);

async function refusal(bytes: Buffer): Promise<string> {
  const error = await readEpub(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'an InputError').toBeInstanceOf(InputError);
  const message = (error as InputError).message;
  expect(message.split('\n'), 'one line').toHaveLength(1);
  expect(message.startsWith('file: this EPUB ')).toBe(true);
  return message;
}

describe('readEpub: real EPUB 3 and EPUB 2 books (they pass epubcheck)', () => {
  let dir: string;
  let jpeg: Buffer;
  let book3: FixtureBook;
  let book2: FixtureBook;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ttsb-epub-'));
    await lavfiPicture(join(dir, 'cover.jpg'), 'navy', '64x64');
    jpeg = await readFile(join(dir, 'cover.jpg'));
    book3 = twelveChapterBook(3, jpeg, jpeg);
    book2 = twelveChapterBook(2, jpeg, jpeg);
    await writeEpub(join(dir, 'book3.epub'), book3);
    await writeEpub(join(dir, 'book2.epub'), book2);
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the fixtures are valid EPUBs by the W3C checker (Debian epubcheck)', { timeout: 60_000 }, async () => {
    for (const name of ['book3.epub', 'book2.epub']) {
      const { stdout, stderr } = await run('java', ['-jar', '/usr/bin/epubcheck', join(dir, name)]).catch(
        (error: { stdout: string; stderr: string }) => error,
      );
      expect(`${stdout}${stderr}`, name).toContain('No errors or warnings detected');
    }
  });

  for (const version of [3, 2] as const) {
    it(`EPUB ${version}: 12 chapters titled as the ${version === 3 ? 'nav' : 'NCX'} says, their text without markup, notes or entities; metadata and cover`, async () => {
      const fixture = version === 3 ? book3 : book2;
      const bytes = await readFile(join(dir, `book${version}.epub`));
      expect(detectInputFormat(bytes, 'x.bin')).toBe('epub');
      const book = await readEpub(bytes);
      const body = book.chapters.filter((chapter) => chapter.matter === undefined);
      expect(body.map((chapter) => chapter.title)).toEqual(fixture.chapters.map((chapter) => chapter.title));
      expect(body.map((chapter) => chapter.paragraphs)).toEqual(fixture.chapters.map((chapter) => chapter.paragraphs.map((p) => p.spoken)));
      expect(body.map((chapter) => chapter.source)).toEqual(
        fixture.chapters.map((_, i) => `OEBPS/text/chapter-${String(i + 1).padStart(2, '0')}.xhtml`),
      );
      expect(book.metadata).toEqual({
        title: 'The Keeper of the Light',
        creators: ['Ada Lighthouse'],
        language: 'en',
        publisher: 'Fixture Press',
        date: '2025-03-14',
        identifier: fixture.identifier,
      });
      expect(book.cover?.contentType).toBe('image/jpeg');
      expect(book.cover?.bytes.equals(jpeg)).toBe(true);
      // Front matter is there, marked, so --skip-front-matter (the EPUB default) leaves it out.
      const front = book.chapters.filter((chapter) => chapter.matter !== undefined).map((chapter) => chapter.matter);
      expect(front).toEqual(version === 3 ? ['cover', 'titlepage', 'copyright', 'toc'] : ['cover', 'titlepage', 'copyright']);
    });
  }

  it('nested entries flatten in reading order, a chapter split over two files stays one chapter', async () => {
    const nested: FixtureBook = {
      ...book3,
      chapters: [
        {
          title: 'Part One',
          paragraphs: [{ xhtml: 'The part begins.', spoken: 'The part begins.' }],
          children: [{ title: 'A Child', paragraphs: [{ xhtml: 'Inside.', spoken: 'Inside.' }] }],
        },
        { title: 'Part Two', paragraphs: [{ xhtml: 'Later.', spoken: 'Later.' }] },
      ],
    };
    const book = await readEpub(await zipBytes(epubEntries(nested)));
    expect(book.chapters.filter((c) => c.matter === undefined).map((c) => [c.title, c.paragraphs])).toEqual([
      ['Part One', ['The part begins.']],
      ['A Child', ['Inside.']],
      ['Part Two', ['Later.']],
    ]);
  });
});

describe('readEpub: hostile books end with one clear line and bounded memory', () => {
  const base = twelveChapterBook(3, Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
  const entries = (): { name: string; data: string | Buffer }[] => epubEntries(base);

  it('a DRM-encrypted book', async () => {
    const message = await refusal(await drmEpub(base));
    expect(message).toMatch(/is DRM-encrypted \(1 encrypted resource, e\.g\. OEBPS\/text\/chapter-01\.xhtml\)/);
  });

  it('font obfuscation alone is not DRM', async () => {
    const encryption = encryptionXml('http://www.idpf.org/2008/embedding', 'OEBPS/fonts/a.otf');
    const book = await readEpub(await zipBytes([...entries(), { name: 'META-INF/encryption.xml', data: encryption }]));
    expect(book.chapters.length).toBeGreaterThan(12);
  });

  it('a zip bomb: 1 GiB of zeros in one entry is refused from its header, memory flat', { timeout: 120_000 }, async () => {
    const bytes = await zipBytes(entries(), { name: 'OEBPS/text/bomb.xhtml', bytes: 1024 * 1024 * 1024 });
    expect(bytes.length).toBeLessThan(5 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    expect(await refusal(bytes)).toMatch(/entry OEBPS\/text\/bomb\.xhtml is 1024\.0 MiB; an EPUB entry may be at most 64\.0 MiB/);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('a 200 MB image (as cover)', { timeout: 120_000 }, async () => {
    const withImage = entries().filter((entry) => entry.name !== 'OEBPS/images/cover.jpg');
    const random = Buffer.alloc(200 * 1024 * 1024, 7);
    const message = await refusal(await zipBytes([...withImage, { name: 'OEBPS/images/cover.jpg', data: random }]));
    expect(message).toMatch(/cover\.jpg is 200\.0 MiB; an EPUB entry may be at most 64\.0 MiB|inflates \d+×/);
  });

  it('entry names that climb out (../) or are absolute', async () => {
    for (const name of ['../../etc/passwd', '/etc/passwd']) {
      const message = await refusal(
        await zipBytes([...entries(), { name, data: 'x' }]).catch(async () => {
          // yazl refuses to write such a name; patch one in place of a same-length name instead.
          const bytes = await zipBytes([...entries(), { name: 'a'.repeat(name.length), data: 'x' }]);
          return Buffer.from(bytes.toString('latin1').replaceAll('a'.repeat(name.length), name), 'latin1');
        }),
      );
      expect(message).toMatch(/has an unreadable entry \((?:invalid relative path|absolute path): /);
    }
  });

  it('10,000 spine items', async () => {
    const items = Array.from(
      { length: 10_000 },
      (_, i) => `<item id="x${i}" href="text/chapter-01.xhtml" media-type="application/xhtml+xml"/>`,
    ).join('');
    const refs = Array.from({ length: 10_000 }, (_, i) => `<itemref idref="x${i}"/>`).join('');
    const book: FixtureBook = {
      ...base,
      replaceOpf: (opf) => opf.replace('</manifest>', `${items}</manifest>`).replace('</spine>', `${refs}</spine>`),
    };
    expect(await refusal(await zipBytes(epubEntries(book)))).toMatch(/has 100\d\d items in its spine; at most 5000 are read/);
  });

  it('malformed XML in the package and in a chapter name the entry and the line', async () => {
    const badOpf: FixtureBook = { ...base, replaceOpf: (opf) => opf.replace('</metadata>', '<dc:title>Unclosed</metadata>') };
    expect(await refusal(await zipBytes(epubEntries(badOpf)))).toMatch(/has malformed XML in OEBPS\/content\.opf \(line \d+: /);
    const badChapter: FixtureBook = {
      ...base,
      replaceChapter: (i, xhtml) => (i === 3 ? xhtml.replace('</section>', '</div></section>') : xhtml),
    };
    expect(await refusal(await zipBytes(epubEntries(badChapter)))).toMatch(
      /has malformed XML in OEBPS\/text\/chapter-04\.xhtml \(line \d+: /,
    );
  });

  it('a file that is not an EPUB at all', async () => {
    expect(await refusal(Buffer.from('PK\u0003\u0004 not really a zip'))).toMatch(/is not a readable zip/);
  });
});
