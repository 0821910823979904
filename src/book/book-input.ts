import type { Book, InputFormat } from './book.ts';

/** What the render read, for its manifest: the file's name, the format it was read as, and its bytes' sha256. */
export interface InputSource {
  name: string;
  format: InputFormat;
  sha256: string;
  bytes: number;
}

/**
 * A render's input once read: plain text stays text (its chapters are found from heading lines
 * by the planner, as they always were); EPUB, HTML and Markdown are books of chapters.
 */
export type BookInput = { source: InputSource; kind: 'text'; text: string } | { source: InputSource; kind: 'book'; book: Book };
