import { Element, Text, isTag, isText, type Document } from 'domhandler';
import { appendChild, findOne, removeElement } from 'domutils';
import { resolveHref } from '../epub/epub-package.ts';
import { hrefBetween } from './media-overlay.ts';
import { smilClock } from './smil-clock.ts';

/** The EPUB 3 Media Overlays class a reading system puts on the sentence being spoken. */
export const ACTIVE_CLASS = '-epub-media-overlay-active';

export interface OverlayEntry {
  /** The content document's entry, and its overlay's. */
  textEntry: string;
  smilEntry: string;
  durationMs: number;
}

export interface PackageAdditions {
  opfPath: string;
  overlays: readonly OverlayEntry[];
  audio: { entry: string; mediaType: string };
  css: { entry: string };
  narrator?: string;
  modified: Date;
}

const byName = (name: string) => (element: Element) => element.name.replace(/^.*:/u, '') === name;

function child(parent: Element, name: string, attribs: Record<string, string>, text?: string): void {
  const element = new Element(name, attribs);
  if (text !== undefined) appendChild(element, new Text(text));
  appendChild(parent, new Text('\n    '));
  appendChild(parent, element);
}

/**
 * The package document with Media Overlays added (EPUB 3.2 §Media Overlays): each synced content
 * document's item points at its overlay (`media-overlay`), the overlays, the audio and the
 * active-class stylesheet are manifest items, and the metadata gives each overlay's
 * `media:duration`, their total, the active class and the narrator; `dcterms:modified` is now.
 */
export function addOverlaysToPackage(opf: Document, additions: PackageAdditions): void {
  const manifest = findOne(byName('manifest'), opf.children, true);
  const metadata = findOne(byName('metadata'), opf.children, true);
  if (manifest === null || metadata === null) throw new Error(`${additions.opfPath} has no <manifest> or <metadata>`);
  // New children are indented like the old: the whitespace before each closing tag is put back after them.
  for (const parent of [manifest, metadata])
    while (parent.lastChild !== null && isText(parent.lastChild) && parent.lastChild.data.trim() === '') removeElement(parent.lastChild);
  const ids = new Set<string>();
  const items = manifest.children.filter((node): node is Element => isTag(node) && byName('item')(node));
  for (const item of items) if (item.attribs.id !== undefined) ids.add(item.attribs.id);
  const freshId = (base: string): string => {
    let id = base;
    for (let n = 2; ids.has(id); n += 1) id = `${base}-${n}`;
    ids.add(id);
    return id;
  };
  const href = (entry: string): string => hrefBetween(additions.opfPath, entry);
  for (const overlay of additions.overlays) {
    const id = freshId(`ttsb-mo-${overlay.smilEntry.replace(/^.*\//u, '').replace(/\.smil$/u, '')}`);
    const item = items.find((candidate) => resolveHref(additions.opfPath, candidate.attribs.href ?? '').path === overlay.textEntry);
    if (item !== undefined) item.attribs['media-overlay'] = id;
    child(manifest, 'item', { id, href: href(overlay.smilEntry), 'media-type': 'application/smil+xml' });
    child(metadata, 'meta', { property: 'media:duration', refines: `#${id}` }, smilClock(overlay.durationMs));
  }
  child(manifest, 'item', {
    id: freshId('ttsb-read-along-audio'),
    href: href(additions.audio.entry),
    'media-type': additions.audio.mediaType,
  });
  child(manifest, 'item', { id: freshId('ttsb-read-along-css'), href: href(additions.css.entry), 'media-type': 'text/css' });
  const total = additions.overlays.reduce((sum, overlay) => sum + overlay.durationMs, 0);
  child(metadata, 'meta', { property: 'media:duration' }, smilClock(total));
  child(metadata, 'meta', { property: 'media:active-class' }, ACTIVE_CLASS);
  if (additions.narrator !== undefined && additions.narrator !== '')
    child(metadata, 'meta', { property: 'media:narrator' }, additions.narrator);
  const stamp = `${additions.modified.toISOString().slice(0, 19)}Z`;
  const modified = metadata.children.find(
    (node): node is Element => isTag(node) && byName('meta')(node) && node.attribs.property === 'dcterms:modified',
  );
  if (modified === undefined) child(metadata, 'meta', { property: 'dcterms:modified' }, stamp);
  else {
    for (const node of [...modified.children]) removeElement(node);
    appendChild(modified, new Text(stamp));
  }
  appendChild(manifest, new Text('\n  '));
  appendChild(metadata, new Text('\n  '));
}
