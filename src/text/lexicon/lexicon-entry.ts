/**
 * One lexicon entry: how a word written in the book should be spoken. Declared with the text
 * knowledge that parses lexicons; the providers' compilation names it from here too.
 */
export interface LexiconEntry {
  /**
   * The text as written in the book (matched whole). Case rule: written all in lower case
   * ("hermione") it matches any case ("Hermione", "HERMIONE"); with any capital ("Hermione",
   * "US") it matches exactly that. Text without case (Han, kana, digits) matches as written.
   */
  written: string;
  /** A spelling the voice reads right; used by `respell` and `dictionary`. */
  respelling?: string;
  /** A phonetic form and its alphabet (e.g. `py` for pinyin, `ipa`), for `phoneme`. */
  phoneme?: { alphabet: string; value: string };
}

/** True when an entry matches regardless of case: it has cased letters and all are lower case. */
export function matchesAnyCase(written: string): boolean {
  return written === written.toLowerCase() && written !== written.toUpperCase();
}

/**
 * An alphabet's name as the providers' SSML spells it: lower case, and pinyin as `py` (DashScope's
 * `<phoneme alphabet="py">`); any other name (`ipa`, `x-sampa`, `cmu`) is kept.
 */
export function canonicalAlphabet(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower === 'pinyin' ? 'py' : lower;
}
