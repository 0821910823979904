import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseDocument } from 'htmlparser2';
import type { Document } from 'domhandler';
import { refused } from './epub-zip.ts';
import { collapseWhitespace } from '../../util/collapse-whitespace.ts';

/** Package documents (container, OPF, NCX, encryption): namespace prefixes dropped, attributes as `@name`. */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  textNodeName: '#text',
  isArray: (name) =>
    [
      'item',
      'itemref',
      'creator',
      'meta',
      'reference',
      'navPoint',
      'identifier',
      'title',
      'language',
      'EncryptedData',
      'rootfile',
      'date',
      'publisher',
    ].includes(name),
  processEntities: true,
  htmlEntities: true,
});

function checkWellFormed(xml: string, entry: string): void {
  const result = XMLValidator.validate(xml);
  if (result !== true) throw refused(`has malformed XML in ${entry} (line ${result.err.line}: ${result.err.msg})`);
}

export function parsePackageXml(bytes: Buffer, entry: string): Record<string, unknown> {
  const xml = bytes.toString('utf8');
  checkWellFormed(xml, entry);
  return parser.parse(xml) as Record<string, unknown>;
}

/** An XHTML content document: checked well-formed (XML) first, then parsed as a DOM for its text. */
export function parseXhtml(bytes: Buffer, entry: string): Document {
  const xml = bytes.toString('utf8');
  checkWellFormed(xml, entry);
  // HTML mode decodes HTML's named entities (&nbsp; &mdash; …); self-closing tags (`<a id="x"/>`) stay empty, as XHTML means them.
  return parseDocument(xml, { xmlMode: false, decodeEntities: true, recognizeSelfClosing: true, lowerCaseAttributeNames: false });
}

/** The text of a parsed node: a string, a number, or an object with `#text`. */
export function nodeText(node: unknown): string {
  if (typeof node === 'string' || typeof node === 'number') return collapseWhitespace(String(node));
  if (typeof node === 'object' && node !== null && '#text' in node) return nodeText((node as Record<string, unknown>)['#text']);
  return '';
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
