import type { MatterKind } from '../book.ts';

/** EPUB structural semantics (landmarks, guide types, epub:type) that mark what is not the book's body. */
const MATTER: Readonly<Record<string, MatterKind>> = {
  cover: 'cover',
  titlepage: 'titlepage',
  'title-page': 'titlepage',
  halftitlepage: 'titlepage',
  'copyright-page': 'copyright',
  copyright: 'copyright',
  toc: 'toc',
  'toc-brief': 'toc',
  loi: 'toc',
  lot: 'toc',
  dedication: 'dedication',
  acknowledgments: 'acknowledgments',
  acknowledgements: 'acknowledgments',
  index: 'index',
  imprint: 'other-front',
  colophon: 'other-front',
  frontmatter: 'other-front',
  'other.ms-coverimage-standard': 'cover',
};

/** The matter kind the first known semantic names; undefined for body text (chapter, bodymatter, preface …). */
export function matterOf(semantics: readonly string[]): MatterKind | undefined {
  for (const type of semantics) {
    const kind = MATTER[type.toLowerCase()];
    if (kind !== undefined) return kind;
  }
  return undefined;
}
