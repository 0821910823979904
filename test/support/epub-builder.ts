import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';

/**
 * Writes EPUB files for the book tests: real packages (the well-formed ones pass epubcheck) whose
 * expected reading is written out by hand beside their markup, never derived by the reader
 * under test. Hostile variants bend one rule on purpose.
 */

/** One paragraph: its XHTML as the book holds it, and the words a voice should read from it. */
export interface FixtureParagraph {
  xhtml: string;
  spoken: string;
}

export interface FixtureChapter {
  title: string;
  paragraphs: FixtureParagraph[];
  /** Children in the table of contents (EPUB3 nested ol / EPUB2 nested navPoint), each its own file. */
  children?: FixtureChapter[];
}

export interface FixtureBook {
  version: 2 | 3;
  title: string;
  author: string;
  language: string;
  identifier: string;
  date?: string;
  cover?: Buffer;
  /** An illustration inside the text (a JPEG), referenced by paragraphs as images/figure.jpg. */
  figure?: Buffer;
  chapters: FixtureChapter[];
  /** Extra entries written as given (hostile fixtures), and entries to replace. */
  extraEntries?: { name: string; data: Buffer; compress?: boolean }[];
  replaceOpf?: (opf: string) => string;
  replaceChapter?: (index: number, xhtml: string) => string;
}

const esc = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function xhtmlPage(title: string, body: string, bodyType?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="en" lang="en">
<head><title>${esc(title)}</title></head>
<body${bodyType === undefined ? '' : ` epub:type="${bodyType}"`}>
${body}
</body>
</html>
`;
}

function xhtml2Page(title: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">
<head><title>${esc(title)}</title></head>
<body>
${body}
</body>
</html>
`;
}

interface FlatChapter {
  chapter: FixtureChapter;
  file: string;
  id: string;
  depth: number;
}

/** The chapters in reading order, nested ones after their parent, each in a file of its own. */
export function flatChapters(book: Pick<FixtureBook, 'chapters'>): FlatChapter[] {
  const out: FlatChapter[] = [];
  const walk = (chapters: readonly FixtureChapter[], depth: number): void => {
    for (const chapter of chapters) {
      const n = out.length + 1;
      out.push({ chapter, file: `text/chapter-${String(n).padStart(2, '0')}.xhtml`, id: `ch${n}`, depth });
      walk(chapter.children ?? [], depth + 1);
    }
  };
  walk(book.chapters, 0);
  return out;
}

/** The files of the book, by name, `mimetype` first. */
export function epubEntries(book: FixtureBook): { name: string; data: string | Buffer }[] {
  const flat = flatChapters(book);
  const three = book.version === 3;
  const page = three ? xhtmlPage : (title: string, body: string) => xhtml2Page(title, body);
  const files: { name: string; data: string | Buffer }[] = [];
  const chapterXhtml = flat.map(({ chapter }, i) => {
    const paragraphs = chapter.paragraphs.map((p) => `<p>${p.xhtml}</p>`).join('\n');
    const notes =
      three && chapter.paragraphs.some((p) => p.xhtml.includes('noteref'))
        ? `\n<aside epub:type="footnote" id="fn-${i + 1}"><p>A footnote that is not read in the text.</p></aside>`
        : '';
    const wrapper = three ? 'section epub:type="chapter"' : 'div';
    const xhtml = page(
      chapter.title,
      `<${wrapper}>\n<h1>${esc(chapter.title)}</h1>\n${paragraphs}${notes}\n</${three ? 'section' : 'div'}>`,
    );
    return book.replaceChapter === undefined ? xhtml : book.replaceChapter(i, xhtml);
  });
  const front = [
    {
      id: 'cover-page',
      file: 'text/cover.xhtml',
      title: 'Cover',
      type: 'cover',
      body: `<section epub:type="cover"><img src="../images/cover.jpg" alt="Cover"/></section>`,
    },
    {
      id: 'title-page',
      file: 'text/title.xhtml',
      title: 'Title Page',
      type: 'titlepage',
      body: `<section epub:type="titlepage"><h1>${esc(book.title)}</h1><p>${esc(book.author)}</p></section>`,
    },
    {
      id: 'copyright-page',
      file: 'text/copyright.xhtml',
      title: 'Copyright',
      type: 'copyright-page',
      body: `<section epub:type="copyright-page"><p>Copyright 2026 ${esc(book.author)}. All rights reserved.</p></section>`,
    },
  ].filter((f) => f.id !== 'cover-page' || book.cover !== undefined);
  const images = [
    ...(book.cover === undefined ? [] : [{ id: 'cover-image', file: 'images/cover.jpg', data: book.cover, cover: true }]),
    ...(book.figure === undefined ? [] : [{ id: 'figure', file: 'images/figure.jpg', data: book.figure, cover: false }]),
  ];
  files.push({ name: 'mimetype', data: 'application/epub+zip' });
  files.push({
    name: 'META-INF/container.xml',
    data: `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
`,
  });
  const frontPage = (f: (typeof front)[number]): string =>
    three
      ? xhtmlPage(f.title, f.body)
      : xhtml2Page(
          f.title,
          f.body
            .replace(/ epub:type="[^"]*"/gu, '')
            .replaceAll('<section>', '<div>')
            .replaceAll('</section>', '</div>'),
        );
  for (const f of front) files.push({ name: `OEBPS/${f.file}`, data: frontPage(f) });
  flat.forEach((c, i) => files.push({ name: `OEBPS/${c.file}`, data: chapterXhtml[i] ?? '' }));
  for (const image of images) files.push({ name: `OEBPS/${image.file}`, data: image.data });

  const navList = (chapters: readonly FixtureChapter[], start: { n: number }): string =>
    `<ol>${chapters
      .map((chapter) => {
        const n = ++start.n;
        const file = `text/chapter-${String(n).padStart(2, '0')}.xhtml`;
        const children = chapter.children === undefined || chapter.children.length === 0 ? '' : navList(chapter.children, start);
        return `<li><a href="${file}">${esc(chapter.title)}</a>${children}</li>`;
      })
      .join('')}</ol>`;
  const ncxPoints = (chapters: readonly FixtureChapter[], start: { n: number }): string =>
    chapters
      .map((chapter) => {
        const n = ++start.n;
        const file = `text/chapter-${String(n).padStart(2, '0')}.xhtml`;
        const children = ncxPoints(chapter.children ?? [], start);
        return `<navPoint id="np${n}" playOrder="${n}"><navLabel><text>${esc(chapter.title)}</text></navLabel><content src="${file}"/>${children}</navPoint>`;
      })
      .join('');

  if (three) {
    files.push({
      name: 'OEBPS/nav.xhtml',
      data: xhtmlPage(
        'Contents',
        `<nav epub:type="toc" id="toc"><h1>Contents</h1>${navList(book.chapters, { n: 0 })}</nav>
<nav epub:type="landmarks" hidden=""><h2>Landmarks</h2><ol>${front.map((f) => `<li><a epub:type="${f.type}" href="${f.file}">${esc(f.title)}</a></li>`).join('')}<li><a epub:type="bodymatter" href="${flat[0]?.file ?? ''}">Start</a></li></ol></nav>`,
      ),
    });
  } else {
    files.push({
      name: 'OEBPS/toc.ncx',
      data: `<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
<head><meta name="dtb:uid" content="${esc(book.identifier)}"/><meta name="dtb:depth" content="2"/><meta name="dtb:totalPageCount" content="0"/><meta name="dtb:maxPageNumber" content="0"/></head>
<docTitle><text>${esc(book.title)}</text></docTitle>
<navMap>${ncxPoints(book.chapters, { n: 0 })}</navMap>
</ncx>
`,
    });
  }

  const manifestItems = [
    three
      ? '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
      : '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
    ...front.map((f) => `<item id="${f.id}" href="${f.file}" media-type="application/xhtml+xml"/>`),
    ...flat.map((c) => `<item id="${c.id}" href="${c.file}" media-type="application/xhtml+xml"/>`),
    ...images.map(
      (image) =>
        `<item id="${image.id}" href="${image.file}" media-type="image/jpeg"${three && image.cover ? ' properties="cover-image"' : ''}/>`,
    ),
  ];
  const spine = [...front.map((f) => f.id), ...(three ? ['nav'] : []), ...flat.map((c) => c.id)];
  const opf = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="${three ? '3.0' : '2.0'}" unique-identifier="bookid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"${three ? '' : ' xmlns:opf="http://www.idpf.org/2007/opf"'}>
    <dc:identifier id="bookid">${esc(book.identifier)}</dc:identifier>
    <dc:title>${esc(book.title)}</dc:title>
    <dc:creator${three ? ' id="author"' : ' opf:role="aut"'}>${esc(book.author)}</dc:creator>
    <dc:language>${esc(book.language)}</dc:language>
    <dc:publisher>Fixture Press</dc:publisher>
    ${book.date === undefined ? '' : `<dc:date>${esc(book.date)}</dc:date>`}
    ${three ? '<meta refines="#author" property="role" scheme="marc:relators">aut</meta>\n    <meta property="dcterms:modified">2026-12-01T00:00:00Z</meta>' : ''}
    ${!three && book.cover !== undefined ? '<meta name="cover" content="cover-image"/>' : ''}
  </metadata>
  <manifest>
    ${manifestItems.join('\n    ')}
  </manifest>
  <spine${three ? '' : ' toc="ncx"'}>
    ${spine.map((id) => `<itemref idref="${id}"${id === 'nav' ? ' linear="no"' : ''}/>`).join('\n    ')}
  </spine>
  ${three ? '' : `<guide>${front.map((f) => `<reference type="${f.type === 'copyright-page' ? 'copyright-page' : f.type === 'titlepage' ? 'title-page' : f.type}" title="${esc(f.title)}" href="${f.file}"/>`).join('')}<reference type="text" title="Start" href="${flat[0]?.file ?? ''}"/></guide>`}
</package>
`;
  files.push({ name: 'OEBPS/content.opf', data: book.replaceOpf === undefined ? opf : book.replaceOpf(opf) });
  for (const extra of book.extraEntries ?? []) files.push({ name: extra.name, data: extra.data });
  return files;
}

/**
 * A zip of these entries (`mimetype` stored, as OCF requires, the rest deflated), in memory;
 * `huge` adds an entry of that many zero bytes, streamed in, so a bomb costs no memory to make.
 */
export async function zipBytes(
  entries: readonly { name: string; data: string | Buffer }[],
  huge?: { name: string; bytes: number },
): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of entries)
    zip.addBuffer(typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data, entry.name, {
      compress: entry.name !== 'mimetype',
      mtime: new Date('2026-12-01T00:00:00Z'),
    });
  if (huge !== undefined) {
    const chunk = Buffer.alloc(1024 * 1024);
    let left = huge.bytes;
    zip.addReadStream(
      new Readable({
        read() {
          if (left <= 0) return void this.push(null);
          const n = Math.min(left, chunk.length);
          left -= n;
          this.push(chunk.subarray(0, n));
        },
      }),
      huge.name,
    );
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Writes the book to `path`. */
export async function writeEpub(path: string, book: FixtureBook): Promise<void> {
  await writeFile(path, await zipBytes(epubEntries(book)));
}

/** META-INF/encryption.xml saying `uri` is encrypted with `algorithm`. */
export function encryptionXml(algorithm: string, uri: string): string {
  return `<?xml version="1.0"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod Algorithm="${algorithm}"/><enc:CipherData><enc:CipherReference URI="${uri}"/></enc:CipherData></enc:EncryptedData></encryption>`;
}

/** The book with its first chapter marked AES-encrypted: DRM, as a retailer's copy has it. */
export function drmEpub(book: FixtureBook): Promise<Buffer> {
  return zipBytes([
    ...epubEntries(book),
    { name: 'META-INF/encryption.xml', data: encryptionXml('http://www.w3.org/2001/04/xmlenc#aes128-cbc', 'OEBPS/text/chapter-01.xhtml') },
  ]);
}

/** Twelve chapters with inline markup, a footnote mark and an illustration's alt text: the issue's EPUB. */
export function twelveChapterBook(version: 2 | 3, cover: Buffer, figure: Buffer): FixtureBook {
  const chapters: FixtureChapter[] = Array.from({ length: 12 }, (_, i) => {
    const n = i + 1;
    return {
      title: `Chapter ${n}: The ${['Fog', 'Light', 'Harbour', 'Storm', 'Bell', 'Tide', 'Gull', 'Rope', 'Lamp', 'Reef', 'Mast', 'Dawn'][i]}`,
      paragraphs: [
        {
          xhtml: `It was <em>very</em> quiet on day ${n}, and the <strong>keeper</strong> waited${version === 3 ? `<a epub:type="noteref" href="#fn-${n}">${n}</a>` : ''}.`,
          spoken: `It was very quiet on day ${n}, and the keeper waited.`,
        },
        {
          xhtml: `Beside him stood <img src="../images/figure.jpg" alt="a brass lamp"/> on the &amp; sill of room ${n}, &#8220;lit&#8221; at&#160;dusk.`,
          spoken: `Beside him stood a brass lamp on the & sill of room ${n}, \u201clit\u201d at dusk.`,
        },
      ],
    };
  });
  return {
    version,
    title: 'The Keeper of the Light',
    author: 'Ada Lighthouse',
    language: 'en',
    identifier: `urn:uuid:0b6e4c1e-4a59-4d3b-9a0e-${version === 3 ? '000000000003' : '000000000002'}`,
    date: '2025-03-14',
    cover,
    figure,
    chapters,
  };
}
