import { posix } from 'node:path';
import type { BookMetadata } from '../book.ts';
import { asArray, nodeText, parsePackageXml } from './epub-xml.ts';
import { EPUB_LIMITS, refused, type EpubZip } from './epub-zip.ts';

export interface ManifestItem {
  id: string;
  /** The entry's name in the zip (resolved against the OPF's folder). */
  path: string;
  mediaType: string;
  properties: string[];
}

export interface EpubPackage {
  opfPath: string;
  /** The package's `version` attribute ("3.0", "2.0"), as given. */
  version: string;
  metadata: BookMetadata;
  items: Map<string, ManifestItem>;
  spine: { item: ManifestItem; linear: boolean }[];
  /** EPUB3 nav document, EPUB2 NCX. */
  nav?: ManifestItem;
  ncx?: ManifestItem;
  cover?: ManifestItem;
  /** EPUB2 guide: entry path (no fragment) → type. */
  guide: Map<string, string>;
}

type Node = Record<string, unknown>;
const attr = (node: unknown, name: string): string | undefined => {
  const value = typeof node === 'object' && node !== null ? (node as Node)[`@${name}`] : undefined;
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
};

/** Resolves `href` (URL-encoded, relative to the document at `from`) to an entry name and its fragment. */
export function resolveHref(from: string, href: string): { path: string; fragment?: string } {
  const [pathPart = '', fragment] = href.split('#', 2);
  let decoded = pathPart;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    // Not percent-encoded after all: the name as written.
  }
  const path = decoded === '' ? from : posix.normalize(posix.join(posix.dirname(from), decoded));
  return fragment === undefined || fragment === '' ? { path } : { path, fragment };
}

/** META-INF/container.xml → the OPF, and the OPF's metadata, manifest, spine, guide, nav, NCX and cover. */
export async function readEpubPackage(zip: EpubZip): Promise<EpubPackage> {
  if (!zip.has('META-INF/container.xml')) throw refused('has no META-INF/container.xml: it is not an EPUB (or is damaged)');
  const container = parsePackageXml(await zip.read('META-INF/container.xml', EPUB_LIMITS.maxXmlBytes), 'META-INF/container.xml');
  const rootfiles = asArray(((container.container as Node | undefined)?.rootfiles as Node | undefined)?.rootfile as Node[] | undefined);
  const opfPath = attr(rootfiles[0], 'full-path');
  if (opfPath === undefined) throw refused('names no package document in META-INF/container.xml');
  const opf = parsePackageXml(await zip.read(opfPath, EPUB_LIMITS.maxXmlBytes), opfPath).package as Node | undefined;
  if (opf === undefined) throw refused(`has no <package> in ${opfPath}`);

  const items = new Map<string, ManifestItem>();
  for (const node of asArray((opf.manifest as Node | undefined)?.item as Node[] | undefined)) {
    const id = attr(node, 'id');
    const href = attr(node, 'href');
    if (id === undefined || href === undefined) continue;
    items.set(id, {
      id,
      path: resolveHref(opfPath, href).path,
      mediaType: attr(node, 'media-type') ?? '',
      properties: (attr(node, 'properties') ?? '').split(/\s+/u).filter(Boolean),
    });
  }
  const spineNode = opf.spine as Node | undefined;
  const itemrefs = asArray(spineNode?.itemref as Node[] | undefined);
  if (itemrefs.length > EPUB_LIMITS.maxSpineItems)
    throw refused(`has ${itemrefs.length} items in its spine; at most ${EPUB_LIMITS.maxSpineItems} are read`);
  const spine = itemrefs.flatMap((node) => {
    const item = items.get(attr(node, 'idref') ?? '');
    return item === undefined ? [] : [{ item, linear: attr(node, 'linear') !== 'no' }];
  });
  if (spine.length === 0) throw refused(`has an empty spine in ${opfPath}: nothing to read`);

  const metadataNode = (opf.metadata as Node | undefined) ?? {};
  const metas = asArray(metadataNode.meta as Node[] | undefined);
  const guide = new Map<string, string>();
  for (const reference of asArray((opf.guide as Node | undefined)?.reference as Node[] | undefined)) {
    const href = attr(reference, 'href');
    const type = attr(reference, 'type');
    if (href !== undefined && type !== undefined) guide.set(resolveHref(opfPath, href).path, type.toLowerCase());
  }
  const nav = [...items.values()].find((item) => item.properties.includes('nav'));
  const ncx = items.get(attr(spineNode, 'toc') ?? '') ?? [...items.values()].find((item) => item.mediaType === 'application/x-dtbncx+xml');
  const coverId = metas.find((meta) => attr(meta, 'name') === 'cover')?.['@content'];
  const cover =
    [...items.values()].find((item) => item.properties.includes('cover-image')) ??
    (typeof coverId === 'string' ? items.get(coverId) : undefined);
  return {
    opfPath,
    version: attr(opf, 'version') ?? '',
    metadata: packageMetadata(metadataNode, metas, attr(opf, 'unique-identifier')),
    items,
    spine,
    guide,
    ...(nav === undefined ? {} : { nav }),
    ...(ncx === undefined ? {} : { ncx }),
    ...(cover === undefined ? {} : { cover }),
  };
}

/** dc:title, dc:creator (a narrator by its MARC role `nrt`, EPUB2 opf:role or EPUB3 refines), dc:language, publisher, date, identifier. */
function packageMetadata(node: Node, metas: Node[], uniqueId: string | undefined): BookMetadata {
  const metadata: BookMetadata = {};
  const title = asArray(node.title as unknown[] | undefined)
    .map(nodeText)
    .find((text) => text !== '');
  if (title !== undefined) metadata.title = title;
  const roles = new Map<string, string>();
  for (const meta of metas)
    if (attr(meta, 'property') === 'role' && attr(meta, 'refines')?.startsWith('#') === true)
      roles.set(attr(meta, 'refines')?.slice(1) ?? '', nodeText(meta).toLowerCase());
  const creators: string[] = [];
  for (const creator of asArray(node.creator as unknown[] | undefined)) {
    const name = nodeText(creator);
    if (name === '') continue;
    const role = (attr(creator, 'role') ?? roles.get(attr(creator, 'id') ?? '') ?? 'aut').toLowerCase();
    if (role === 'nrt') metadata.narrator ??= name;
    else if (role === 'aut') creators.push(name);
  }
  if (creators.length > 0) metadata.creators = creators;
  const language = asArray(node.language as unknown[] | undefined)
    .map(nodeText)
    .find((text) => text !== '');
  if (language !== undefined) metadata.language = language;
  const publisher = asArray(node.publisher as unknown[] | undefined)
    .map(nodeText)
    .find((text) => text !== '');
  if (publisher !== undefined) metadata.publisher = publisher;
  const date = asArray(node.date as unknown[] | undefined)
    .map(nodeText)
    .find((text) => text !== '');
  if (date !== undefined) metadata.date = date;
  const identifiers = asArray(node.identifier as unknown[] | undefined);
  const identifier = nodeText(identifiers.find((id) => attr(id, 'id') === uniqueId) ?? identifiers[0]);
  if (identifier !== '') metadata.identifier = identifier;
  return metadata;
}
