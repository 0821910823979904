import render from 'dom-serializer';
import type { Document } from 'domhandler';
import { decodeHTML } from 'entities';
import { parseDocument } from 'htmlparser2';

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const DECLARATION = /^\uFEFF?\s*<\?xml[^?]*\?>\s*/u;

/**
 * Parses an XML document (a content document, the package) as a DOM that serializes back to the
 * same markup: element and attribute case kept, self-closing tags kept. HTML's named entities
 * (an EPUB 2 page may use `&nbsp;`) are turned into their characters first, as an XML parser
 * without the DTD would not know them.
 */
export function parseXmlDom(xml: string): Document {
  const named = xml.replace(/&([A-Za-z][A-Za-z0-9]*);/gu, (whole, name: string) => {
    if (XML_ENTITIES.has(name)) return whole;
    const decoded = decodeHTML(whole);
    return decoded === whole ? whole : decoded.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  });
  return parseDocument(named.replace(DECLARATION, ''), { xmlMode: true, decodeEntities: true });
}

/**
 * The document as UTF-8 XML with its declaration (dom-serializer drops the declaration's closing
 * `?`, so it is written here). In XML mode dom-serializer writes every non-ASCII character as a
 * character reference (a Chinese page grows eightfold): those are turned back into characters,
 * C1 controls excepted; `&amp;`, `&lt;` and the other escapes stay.
 */
export function serializeXmlDom(document: Document): string {
  const xml = render(document, { xmlMode: true }).replace(/&#x([0-9a-f]+);/giu, (whole, hex: string) => {
    const code = Number.parseInt(hex, 16);
    return code >= 0xa0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
}
