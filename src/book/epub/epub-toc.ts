import { isTag, type Element } from 'domhandler';
import { findAll, textContent } from 'domutils';
import { asArray, nodeText, parsePackageXml, parseXhtml } from './epub-xml.ts';
import { resolveHref, type EpubPackage } from './epub-package.ts';
import { EPUB_LIMITS, type EpubZip } from './epub-zip.ts';
import { collapseWhitespace } from '../../util/collapse-whitespace.ts';

/** One entry of the table of contents, flattened in reading order; `depth` 0 at the top. */
export interface TocEntry {
  title: string;
  path: string;
  fragment?: string;
  depth: number;
}

export interface EpubToc {
  entries: TocEntry[];
  /** Landmarks (EPUB3) or guide (EPUB2) types by entry path: cover, titlepage, copyright-page, toc, bodymatter … */
  landmarks: Map<string, string>;
}

const types = (element: Element): string[] => (element.attribs['epub:type'] ?? '').toLowerCase().split(/\s+/u).filter(Boolean);

/** The EPUB3 nav document's `toc` and `landmarks`, else the EPUB2 NCX and guide. */
export async function readEpubToc(zip: EpubZip, pkg: EpubPackage): Promise<EpubToc> {
  const landmarks = new Map(pkg.guide);
  if (pkg.nav !== undefined && zip.has(pkg.nav.path)) {
    const document = parseXhtml(await zip.read(pkg.nav.path, EPUB_LIMITS.maxXmlBytes), pkg.nav.path);
    const navs = findAll((element) => element.name === 'nav', document.children);
    const toc = navs.find((nav) => types(nav).includes('toc'));
    for (const nav of navs.filter((element) => types(element).includes('landmarks')))
      for (const link of findAll((element) => element.name === 'a', nav.children)) {
        const href = link.attribs.href;
        const type = types(link)[0];
        if (href !== undefined && type !== undefined) landmarks.set(resolveHref(pkg.nav.path, href).path, type);
      }
    if (toc !== undefined) {
      const entries: TocEntry[] = [];
      const walk = (list: Element, depth: number): void => {
        for (const li of list.children.filter((child): child is Element => isTag(child) && child.name === 'li')) {
          const link = li.children.find((child): child is Element => isTag(child) && (child.name === 'a' || child.name === 'span'));
          const href = link?.attribs.href;
          const title = link === undefined ? '' : collapseWhitespace(textContent(link));
          if (href !== undefined && pkg.nav !== undefined) entries.push({ title, ...resolveHref(pkg.nav.path, href), depth });
          for (const sub of li.children.filter((child): child is Element => isTag(child) && child.name === 'ol')) walk(sub, depth + 1);
        }
      };
      for (const list of toc.children.filter((child): child is Element => isTag(child) && child.name === 'ol')) walk(list, 0);
      if (entries.length > 0) return { entries, landmarks };
    }
  }
  if (pkg.ncx !== undefined && zip.has(pkg.ncx.path)) {
    const ncx = parsePackageXml(await zip.read(pkg.ncx.path, EPUB_LIMITS.maxXmlBytes), pkg.ncx.path);
    const entries: TocEntry[] = [];
    const walk = (points: unknown, depth: number): void => {
      for (const point of asArray(points as Record<string, unknown>[] | undefined)) {
        const label = nodeText((point.navLabel as Record<string, unknown> | undefined)?.text);
        const src = (point.content as Record<string, unknown> | undefined)?.['@src'];
        if (typeof src === 'string' && pkg.ncx !== undefined) entries.push({ title: label, ...resolveHref(pkg.ncx.path, src), depth });
        walk(point.navPoint, depth + 1);
      }
    };
    walk(((ncx.ncx as Record<string, unknown> | undefined)?.navMap as Record<string, unknown> | undefined)?.navPoint, 0);
    return { entries, landmarks };
  }
  return { entries: [], landmarks };
}
