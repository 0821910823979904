import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectInputFormat, parseInputFormat } from '../../../src/book/detect-format.ts';
import { readHtml } from '../../../src/book/html/read-html.ts';
import { readMarkdown } from '../../../src/book/markdown/read-markdown.ts';

const MARKDOWN = `---
title: Harbour Tales
authors:
  - Ann Writer
  - Bo Helper
date: 2024-05-01
---

# Harbour Tales

## The Fog

The harbour was **still** wrapped in _fog_ and ~~mist~~, see [the map](https://example.com/map) or <https://example.com>.
Line two of the paragraph, with \`inline code\` &amp; an ![old lamp](lamp.png).

\`\`\`js
const secret = 1;
\`\`\`

<div class="aside">Raw HTML block.</div>

| Ship | Crew |
| ---- | ---- |
| Gull | 12   |

### A Smaller Heading

> A quoted line.

## The Light

1. First item
2. Second item
   - Nested item
`;

describe('readMarkdown', () => {
  it('chapters by heading, markup reduced to words, no URL, code or HTML block; front matter as metadata', () => {
    const book = readMarkdown(MARKDOWN);
    expect(book.metadata).toEqual({ title: 'Harbour Tales', creators: ['Ann Writer', 'Bo Helper'], date: '2024-05-01' });
    expect(book.chapters).toEqual([
      {
        title: 'The Fog',
        source: '#the-fog',
        paragraphs: [
          'The harbour was still wrapped in fog and mist, see the map or . Line two of the paragraph, with inline code & an old lamp .',
          'Ship, Crew',
          'Gull, 12',
          'A Smaller Heading',
          'A quoted line.',
        ],
      },
      { title: 'The Light', source: '#the-light', paragraphs: ['First item', 'Second item', 'Nested item'] },
    ]);
    const all = book.chapters.flatMap((c) => [c.title, ...c.paragraphs]).join('\n');
    for (const mark of ['*', '#', '[', ']', '`', '~', 'http', 'example.com', 'secret', 'Raw HTML', '|', '---'])
      expect(all).not.toContain(mark);
  });

  it('speakCode reads code blocks and the text of HTML blocks', () => {
    const paragraphs = readMarkdown(MARKDOWN, { speakCode: true }).chapters[0]?.paragraphs ?? [];
    expect(paragraphs).toContain('const secret = 1;');
    expect(paragraphs).toContain('Raw HTML block.');
  });

  it('chapterLevel 3 makes the smaller heading a chapter; the lone top heading names a book without front matter', () => {
    const body = MARKDOWN.slice(MARKDOWN.indexOf('# Harbour Tales'));
    const book = readMarkdown(body, { chapterLevel: 3 });
    expect(book.metadata.title).toBe('Harbour Tales');
    expect(book.chapters.map((c) => c.title)).toEqual(['', 'A Smaller Heading', '']);
    expect(() => readMarkdown(body, { chapterLevel: 7 })).toThrow(/^chapterLevel: must be a heading level from 1 to 6/);
  });

  it('bad front matter is one line naming the file', () => {
    expect(() => readMarkdown('---\ntitle: [unclosed\n---\ntext')).toThrow(/^file: front matter: not valid YAML/);
  });

  it('paragraphs are never empty, never hold a line break, never start or end with space', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('# A', '## B', 'word', '**x**', '[l](http://u)', '- i', '', '```', '| a | b |', '> q', '  ', '\t'), {
          maxLength: 30,
        }),
        (lines) => {
          for (const chapter of readMarkdown(lines.join('\n')).chapters)
            for (const p of chapter.paragraphs) expect(p === '' || p !== p.trim() || p.includes('\n')).toBe(false);
        },
      ),
    );
  });
});

describe('readHtml', () => {
  it('headings make chapters; scripts, styles, navigation and hidden content are never read', () => {
    const book = readHtml(`<!DOCTYPE html><html lang="de"><head><title>Nacht</title><meta name="author" content="A. Autor">
      <style>body { color: red }</style><script>track()</script></head><body>
      <nav><a href="#x">Inhalt</a></nav><p>Vorwort.</p>
      <h2 id="eins">Eins</h2><p>Der &amp; Anfang &mdash; <span style="display: none">versteckt</span>hier.<br>Neue Zeile.</p>
      <div aria-hidden="true">Auch versteckt.</div><template>nie</template>
      <h2>Zwei Teil</h2><ul><li>Erstens</li><li>Zweitens</li></ul><noscript>kein Skript</noscript></body></html>`);
    expect(book.metadata).toEqual({ title: 'Nacht', creators: ['A. Autor'], language: 'de' });
    expect(book.chapters).toEqual([
      { title: '', source: '(start)', paragraphs: ['Vorwort.'] },
      { title: 'Eins', source: '#eins', paragraphs: ['Der & Anfang — hier.', 'Neue Zeile.'] },
      { title: 'Zwei Teil', source: '#zwei-teil', paragraphs: ['Erstens', 'Zweitens'] },
    ]);
  });
});

describe('detectInputFormat', () => {
  it.each([
    [Buffer.from('<!DOCTYPE html><html></html>'), 'book.txt', 'html'],
    [Buffer.from('\uFEFF<?xml version="1.0"?>\n<!-- c --><html xmlns="x"></html>'), undefined, 'html'],
    [Buffer.from('# Title\n\nText'), 'book.md', 'markdown'],
    [Buffer.from('# Title\n\nText'), 'book.txt', 'text'],
    [Buffer.from('# Title\n\nText'), undefined, 'text'],
    [Buffer.from('<p>fragment</p>'), 'page.HTM', 'html'],
    [Buffer.from('PK\u0003\u0004'), 'book.epub', 'epub'],
  ] as const)('%#: %s named %s is %s', (bytes, name, format) => {
    expect(detectInputFormat(bytes, name)).toBe(format);
  });

  it('parseInputFormat names the field and the choices', () => {
    expect(parseInputFormat('EPUB')).toBe('epub');
    expect(() => parseInputFormat('pdf')).toThrow(/^inputFormat: must be one of text, markdown, html, epub$/);
  });
});
