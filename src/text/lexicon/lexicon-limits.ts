import { InputError } from '../../errors/input-error.ts';
import type { LexiconEntry } from './lexicon-entry.ts';

/** The most entries one lexicon may hold: a book's names and terms, with room (each is tried on every segment). */
export const LEXICON_MAX_ENTRIES = 10_000;
/** The largest lexicon text, in UTF-8 bytes, read before anything is parsed. */
export const LEXICON_MAX_BYTES = 1024 * 1024;
/** The longest written form or pronunciation of one entry, in code points. */
export const LEXICON_MAX_FIELD_CHARS = 500;

export function checkLexiconSize(field: string, text: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > LEXICON_MAX_BYTES) {
    throw new InputError(field, `the lexicon is ${bytes} bytes, over the ${LEXICON_MAX_BYTES} (1 MiB) one lexicon may be`);
  }
}

export function checkLexiconEntries(field: string, entries: readonly LexiconEntry[]): void {
  if (entries.length > LEXICON_MAX_ENTRIES) {
    throw new InputError(field, `the lexicon has ${entries.length} entries, over the ${LEXICON_MAX_ENTRIES} one lexicon may have`);
  }
}

/** One entry's field, checked for length; `where` names its place ("line 7", "lexeme 3"). */
export function checkFieldLength(field: string, where: string, what: string, value: string): void {
  const chars = [...value].length;
  if (chars > LEXICON_MAX_FIELD_CHARS) {
    throw new InputError(field, `${where}: the ${what} is ${chars} characters, over the ${LEXICON_MAX_FIELD_CHARS} an entry may have`);
  }
}
