import type { LexiconEntry } from './lexicon-entry.ts';
import { checkLexiconEntries, checkLexiconSize } from './lexicon-limits.ts';
import { parseLineLexicon } from './parse-line-lexicon.ts';
import { parsePls } from './parse-pls.ts';

/**
 * A lexicon's text, in either format: W3C PLS when it holds a `<lexicon` element, else the line
 * format (parse-line-lexicon.ts). Size and entry count are checked here, once for both.
 * `field` names the input in errors (`lexicon`, `--lexicon`, `LEXICON_FILE`).
 */
export function parseLexicon(text: string, field = 'lexicon'): LexiconEntry[] {
  checkLexiconSize(field, text);
  const body = text.replace(/^\uFEFF/u, '');
  const entries = isPls(body) ? parsePls(body, field) : parseLineLexicon(body, field);
  checkLexiconEntries(field, entries);
  return entries;
}

export function isPls(text: string): boolean {
  return /<(?:[A-Za-z_][\w.-]*:)?lexicon[\s>/]/u.test(text);
}

/**
 * A render's lexicon over the deployment's default: an entry of the render's replaces the
 * default's entry for the same written form (exactly the same, case included), the rest of both
 * is kept. The render's entries come first, then the defaults' it leaves.
 */
export function mergeLexicons(defaults: readonly LexiconEntry[], own: readonly LexiconEntry[]): LexiconEntry[] {
  const written = new Set(own.map((entry) => entry.written));
  return [...own, ...defaults.filter((entry) => !written.has(entry.written))];
}
