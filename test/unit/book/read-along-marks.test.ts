import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapsedIndex, documentBlocks, pointAt } from '../../../src/book/read-along/document-text.ts';
import { findSentence, searchable } from '../../../src/book/read-along/find-sentence.ts';
import { wrapRange } from '../../../src/book/read-along/wrap-range.ts';
import { parseXmlDom, serializeXmlDom } from '../../../src/book/read-along/xml-dom.ts';
import { smilClock } from '../../../src/book/read-along/smil-clock.ts';
import { collapseWhitespace } from '../../../src/util/collapse-whitespace.ts';

/** Marks each sentence (in order) in the page and gives back the body's markup. */
function mark(body: string, sentences: readonly string[]): { markup: string; found: number } {
  const document = parseXmlDom(
    `<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body>${body}</body></html>`,
  );
  const blocks = documentBlocks(document);
  const text = searchable(blocks);
  const hits: { block: number; start: number; end: number; id: string }[] = [];
  let from = 0;
  let floor: { block: number; end: number } | null = null;
  sentences.forEach((sentence, n) => {
    const hit = findSentence(text, blocks, sentence, from, floor);
    if (hit === null) return;
    hits.push({ ...hit.found, id: `s${n + 1}` });
    from = hit.next;
    floor = { block: hit.found.block, end: hit.found.end };
  });
  for (const hit of [...hits].reverse()) {
    const block = blocks[hit.block];
    if (block === undefined) continue;
    const start = pointAt(block, hit.start, 'start');
    const end = pointAt(block, hit.end, 'end');
    if (start !== null && end !== null) wrapRange(start, end, hit.id, 'x');
  }
  const markup = serializeXmlDom(document);
  return { markup: /<body>([\s\S]*)<\/body>/u.exec(markup)?.[1] ?? '', found: hits.length };
}

describe('read-along sentence marks', () => {
  it('collapsedIndex keeps exactly what collapseWhitespace keeps', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\t', '\u00a0', '灯', '.', '\u2003') }), (raw) => {
        expect(
          collapsedIndex(raw)
            .map((i) => raw[i] ?? '')
            .join('')
            .replace(/\s/gu, ' '),
        ).toBe(collapseWhitespace(raw));
      }),
    );
  });

  it('two sentences in one text node: one span each, the text between untouched', () => {
    expect(mark('<p>The sea was calm.  A gull cried!</p>', ['The sea was calm.', 'A gull cried!']).markup).toBe(
      '<p><span id="s1" class="x">The sea was calm.</span>  <span id="s2" class="x">A gull cried!</span></p>',
    );
  });

  it('inline markup inside a sentence goes into its span; an <em> holding the whole sentence is wrapped with it', () => {
    expect(mark('<p>He said <em>no</em>, twice. <em>Then silence.</em></p>', ['He said no, twice.', 'Then silence.']).markup).toBe(
      '<p><span id="s1" class="x">He said <em>no</em>, twice.</span> <span id="s2" class="x"><em>Then silence.</em></span></p>',
    );
  });

  it('a sentence starting inside an <em> and ending after it: the <em> is split there, one span holds the sentence', () => {
    expect(mark('<p><em id="e">First one. Second</em> ends here.</p>', ['First one.', 'Second ends here.']).markup).toBe(
      '<p><em id="e"><span id="s1" class="x">First one.</span> </em><span id="s2" class="x"><em>Second</em> ends here.</span></p>',
    );
    expect(mark('<p>Begins <b>here. And</b> more.</p>', ['Begins here.', 'And more.']).markup).toBe(
      '<p><span id="s1" class="x">Begins <b>here.</b></span><b> </b><span id="s2" class="x"><b>And</b> more.</span></p>',
    );
  });

  it('quotes and stops belong to their sentence, never to the next one with no space between (Chinese)', () => {
    expect(mark('<p>“灯亮了。”It swept the water!</p>', ['灯亮了。', 'It swept the water!']).markup).toBe(
      '<p><span id="s1" class="x">“灯亮了。”</span><span id="s2" class="x">It swept the water!</span></p>',
    );
  });

  it('a sentence the page does not hold is not marked, and the next one is still found', () => {
    const { markup, found } = mark('<h1>The Fog</h1><p>It rolled in.</p>', ['Chapter One: A Title Elsewhere', 'It rolled in.']);
    expect(found).toBe(1);
    expect(markup).toBe('<h1>The Fog</h1><p><span id="s2" class="x">It rolled in.</span></p>');
  });

  it('named HTML entities survive as characters; the XML declaration is whole', () => {
    const document = parseXmlDom('<?xml version="1.0"?><p>a&nbsp;b &amp; c</p>');
    expect(serializeXmlDom(document)).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<p>a\u00a0b &amp; c</p>');
  });

  it('SMIL clock values', () => {
    expect(smilClock(0)).toBe('0:00:00.000');
    expect(smilClock(3_723_456.4)).toBe('1:02:03.456');
  });
});
