import { Element, Text, isText, type AnyNode, type ParentNode } from 'domhandler';
import { append, appendChild, prepend, removeElement } from 'domutils';
import type { TextPoint } from './document-text.ts';

/** Cuts a text node at `offset`; returns the node that now starts there (the original keeps what is before). */
function cutBefore(point: TextPoint): Text {
  if (point.offset <= 0) return point.node;
  const after = new Text(point.node.data.slice(point.offset));
  point.node.data = point.node.data.slice(0, point.offset);
  append(point.node, after);
  return after;
}

/** Cuts a text node at `offset`; returns the node that now ends there. */
function cutAfter(point: TextPoint): Text {
  if (point.offset >= point.node.data.length) return point.node;
  const after = new Text(point.node.data.slice(point.offset));
  point.node.data = point.node.data.slice(0, point.offset);
  append(point.node, after);
  return point.node;
}

/** Phrasing elements a sentence may sit in; a paragraph, heading or list item is where it stops. */
const INLINE = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'cite',
  'code',
  'del',
  'dfn',
  'em',
  'i',
  'ins',
  'kbd',
  'mark',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
  'var',
]);

function isInline(node: ParentNode): boolean {
  return node instanceof Element && INLINE.has(node.name.replace(/^.*:/u, '').toLowerCase());
}

function ancestors(node: AnyNode): ParentNode[] {
  const chain: ParentNode[] = [];
  for (let at = node.parent; at !== null; at = at.parent) chain.push(at);
  return chain;
}

function textsUnder(node: AnyNode, out: Text[]): Text[] {
  if (isText(node)) out.push(node);
  else if ('children' in node) for (const child of node.children) textsUnder(child, out);
  return out;
}

/** A copy of an inline element without its id (ids are unique), holding `node` and the siblings after it. */
function splitAt(node: AnyNode): Element {
  const parent = node.parent as Element;
  const { id: _id, ...attribs } = parent.attribs;
  const copy = new Element(parent.name, attribs);
  const moved = parent.children.slice(parent.children.indexOf(node));
  append(parent, copy);
  for (const child of moved) {
    removeElement(child);
    appendChild(copy, child);
  }
  return copy;
}

/**
 * Puts the text from `start` to `end` into one `<span id=…>`, for a Media Overlay's `<par>` to
 * point at. The ends are cut out of their text nodes; an inline element an end falls inside is
 * split there (`<b>One. Two</b> three.` → `<b>One. </b><span><b>Two</b> three.</span>`), and one
 * the sentence fills goes into the span with it, so the span holds the whole sentence with its
 * markup. Should an end sit in something that is not inline, each text node of the range gets a
 * span of its own and the first carries the id: the fragment still resolves.
 */
export function wrapRange(start: TextPoint, end: TextPoint, id: string, className: string): void {
  // The end first: cutting it leaves the start's offset valid when both are in one node; then
  // the sentence's end is in the piece cut off at its start.
  const ending = cutAfter(end);
  const first = cutBefore(start);
  const last = ending === start.node ? first : ending;
  let common = ancestors(first).find((node) => ancestors(last).includes(node));
  if (common === undefined) return;
  // The start climbs to a child of `common`, splitting what it is not the first child of.
  let from: AnyNode = first;
  while (from.parent !== null && from.parent !== common && isInline(from.parent)) from = from.prev === null ? from.parent : splitAt(from);
  let to: AnyNode = last;
  while (to.parent !== null && to.parent !== common && isInline(to.parent)) {
    if (to.next !== null) splitAt(to.next);
    to = to.parent;
  }
  // An inline element the sentence fills (`<em>A whole sentence.</em>`) goes into the span with it.
  while (
    from.parent === common &&
    to.parent === common &&
    from.prev === null &&
    to.next === null &&
    isInline(common) &&
    common.parent !== null
  ) {
    from = common;
    to = common;
    common = common.parent;
  }
  if (from.parent === common && to.parent === common) {
    const siblings = common.children;
    const range = siblings.slice(siblings.indexOf(from), siblings.indexOf(to) + 1);
    if (range.length > 0) {
      const span = new Element('span', { id, class: className });
      prepend(from, span);
      for (const node of range) {
        removeElement(node);
        appendChild(span, node);
      }
      return;
    }
  }
  const texts = textsUnder(common, []);
  const pieces = texts.slice(texts.indexOf(first), texts.indexOf(last) + 1);
  pieces.forEach((node, index) => {
    const span = new Element('span', index === 0 ? { id, class: className } : { class: className });
    prepend(node, span);
    removeElement(node);
    appendChild(span, node);
  });
}
