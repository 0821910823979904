/**
 * A book as read from its file, whatever the format (plain text, Markdown, HTML, EPUB): the one
 * shape every reader produces and the planner takes (see book-text.ts). Text here is what a voice
 * reads — markup is gone, entities are decoded, whitespace inside a paragraph is collapsed to
 * single spaces — and structure is kept as chapters of paragraphs.
 */
export type InputFormat = 'text' | 'markdown' | 'html' | 'epub';

export const INPUT_FORMATS: readonly InputFormat[] = ['text', 'markdown', 'html', 'epub'];

/** What a book says about itself (EPUB package metadata, Markdown YAML front matter, HTML <title>/<meta>). */
export interface BookMetadata {
  title?: string;
  /** Authors first, in the order given (EPUB dc:creator, front matter `author`/`authors`). */
  creators?: string[];
  /** BCP 47 tag as given (dc:language, `lang` attribute, front matter `language`). */
  language?: string;
  publisher?: string;
  /** As given (dc:date, front matter `date`): a year or an ISO date. */
  date?: string;
  identifier?: string;
  /** Narrator, when the source names one (front matter `narrator`; EPUB creator with role `nrt`). */
  narrator?: string;
}

export interface BookCover {
  bytes: Buffer;
  /** image/jpeg or image/png. */
  contentType: string;
  /** Where it came from in the source (EPUB entry name, front matter path). */
  source: string;
}

/**
 * Why a chapter may be skipped as front or back matter (EPUB3 landmarks / `epub:type`, EPUB2
 * guide `type`): cover, title page, copyright page, table of contents … Absent for body text.
 */
export type MatterKind = 'cover' | 'titlepage' | 'copyright' | 'toc' | 'dedication' | 'acknowledgments' | 'index' | 'other-front';

export interface BookChapter {
  /** The chapter's title as the table of contents (or heading) gives it; '' when it has none. */
  title: string;
  /** Paragraphs in reading order, each plain text on one line (no '\n' inside), none empty. */
  paragraphs: string[];
  /**
   * Where the chapter comes from in the source: an EPUB spine item with its fragment
   * (`OEBPS/ch01.xhtml#start`), an HTML or Markdown heading anchor (`#chapter-one`), or `line 12`.
   */
  source: string;
  /** Set when the chapter is front/back matter (see MatterKind); `--skip-front-matter` drops it. */
  matter?: MatterKind;
}

export interface Book {
  format: InputFormat;
  metadata: BookMetadata;
  cover?: BookCover;
  /** In reading order. May include chapters with no paragraphs (only structure): the planner drops them. */
  chapters: BookChapter[];
}
