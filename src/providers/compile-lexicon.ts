import { findBreakTags } from '../text/break-tags.ts';
import { matchesAnyCase } from '../text/lexicon/lexicon-entry.ts';
import type { LexiconEntry, PronunciationMethod, PronunciationSupport } from './pronunciation.ts';

/** One entry of a provider-side dictionary (SenseAudio `dictionary`: the server reads `original` as `replacement`). */
export interface DictionaryEntry {
  original: string;
  replacement: string;
}

/** What to send for one text, once a lexicon is compiled for one provider, model and voice. */
export interface CompiledLexicon {
  /**
   * The text to speak: respellings applied, and where an entry took `phoneme`, SSML body markup
   * (everything else XML-escaped; `<break …>` tags kept as they are, for the pause step). The
   * caller wraps SSML in `<speak>` as its provider wants.
   */
  text: string;
  /** True when `text` is SSML markup (some entry was compiled to `<phoneme>`). */
  ssml: boolean;
  /** For `dictionary`: the entries found in the text, to send as the provider's dictionary. */
  dictionary: DictionaryEntry[];
  /** Entries the provider cannot take as given (e.g. only a phoneme, for a respell-only provider), for a warning. */
  unused: LexiconEntry[];
  /** The entries that matched somewhere in the text, once each, in the order given. */
  applied: LexiconEntry[];
}

export interface CompileOptions {
  /**
   * SSML output: escape the text around the `<phoneme>` tags as XML (the default). Off for a
   * provider whose client escapes the text itself and takes the lexicon's `<phoneme>` tags as
   * markup (CosyVoice's toSsml): escaped twice, a quote would be read as "amp quot".
   */
  escapeXml?: boolean;
}

/**
 * Compiles a lexicon for one text into what a provider takes, by the first method in `support`
 * each entry can use: `dictionary` and `respell` need a respelling, `phoneme` a phonetic form in
 * an alphabet the provider names. Matches are whole words, whatever the script: a Latin, Cyrillic
 * or Hangul entry is not found inside a longer word ("Anna" not in "Annabel", "cafe" not in
 * "café"), while scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) have no
 * word boundaries to check, so "好干净" is found in "这里好干净". At one place the longest entry
 * wins; a replaced stretch is not looked at again; text inside `<break …>` tags is never touched.
 * Case (see LexiconEntry): an entry written all in lower case matches any case, one with a
 * capital matches exactly; where both match at a place, the exact one wins.
 */
export function compileLexicon(
  text: string,
  entries: readonly LexiconEntry[],
  support: PronunciationSupport,
  options: CompileOptions = {},
): CompiledLexicon {
  const chosen = new Map<string, { entry: LexiconEntry; method: PronunciationMethod }>();
  const unused: LexiconEntry[] = [];
  for (const entry of entries) {
    const written = entry.written.normalize('NFC');
    if (written === '' || chosen.has(written)) continue;
    const method = support.methods.find((candidate) => usable(entry, candidate, support));
    if (method === undefined) unused.push(entry);
    else chosen.set(written, { entry, method });
  }
  const ssml = [...chosen.values()].some(({ method }) => method === 'phoneme');
  const escape = ssml && options.escapeXml !== false ? escapeXml : (plain: string) => plain;
  const matcher = wholeWordMatcher([...chosen.keys()]);
  const tags = findBreakTags(text);
  const found = new Map<string, DictionaryEntry>();
  const applied = new Set<LexiconEntry>();
  let out = '';
  let at = 0;
  const copyUpTo = (end: number): void => {
    // Pause tags go through as markup, unescaped, whatever the mode.
    let from = at;
    tags.starts.forEach((start, index) => {
      const tagEnd = tags.ends[index] ?? start;
      if (start < from || start >= end) return;
      out += escape(text.slice(from, start)) + text.slice(start, tagEnd);
      from = tagEnd;
    });
    out += escape(text.slice(from, end));
    at = end;
  };
  if (matcher !== undefined) {
    for (const match of text.matchAll(matcher)) {
      const start = match.index;
      const end = start + match[0].length;
      if (start < at || insideTag(tags, start, end)) continue;
      const choice = chosen.get(match[0]) ?? chosen.get(match[0].toLowerCase());
      if (choice === undefined) continue;
      const { entry, method } = choice;
      applied.add(entry);
      copyUpTo(start);
      if (method === 'dictionary') {
        found.set(match[0], { original: match[0], replacement: entry.respelling ?? match[0] });
        out += escape(match[0]);
      } else if (method === 'phoneme' && entry.phoneme) {
        out += `<phoneme alphabet="${escapeXml(entry.phoneme.alphabet)}" ph="${escapeXml(entry.phoneme.value)}">${escape(match[0])}</phoneme>`;
      } else {
        out += escape(entry.respelling ?? match[0]);
      }
      at = end;
    }
  }
  copyUpTo(text.length);
  const inOrder = entries.filter((entry) => applied.has(entry));
  return { text: out, ssml, dictionary: [...found.values()], unused, applied: inOrder };
}

function usable(entry: LexiconEntry, method: PronunciationMethod, support: PronunciationSupport): boolean {
  switch (method) {
    case 'dictionary':
    case 'respell':
      return entry.respelling !== undefined && entry.respelling !== '';
    case 'phoneme':
      return (
        entry.phoneme !== undefined &&
        entry.phoneme.value !== '' &&
        (support.alphabets === undefined || support.alphabets.includes(entry.phoneme.alphabet))
      );
  }
}

/** Letters, digits and marks of scripts that separate words with spaces: where a word boundary means something. */
const SPACED_WORD_CHAR =
  '[[\\p{L}\\p{N}\\p{M}]--[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}]]';
const SPACED_WORD = new RegExp(`^${SPACED_WORD_CHAR}$`, 'v');

/**
 * One regex for every written form, longest first (so the longest wins at a place; at one
 * length an exact-case form before an any-case one), each edge guarded only where the entry's
 * own edge character is of a spaced script: a word boundary is then required there, a change of
 * script counting as one. An any-case form is matched case-insensitively (`(?i:…)`).
 */
function wholeWordMatcher(writtenForms: readonly string[]): RegExp | undefined {
  if (writtenForms.length === 0) return undefined;
  const alternatives = [...writtenForms]
    .sort((a, b) => b.length - a.length || Number(matchesAnyCase(a)) - Number(matchesAnyCase(b)))
    .map((written) => {
      const chars = [...written];
      const before = SPACED_WORD.test(chars[0] ?? '') ? `(?<!${SPACED_WORD_CHAR})` : '';
      const after = SPACED_WORD.test(chars.at(-1) ?? '') ? `(?!${SPACED_WORD_CHAR})` : '';
      const literal = escapeRegExp(written);
      return `${before}${matchesAnyCase(written) ? `(?i:${literal})` : literal}${after}`;
    });
  return new RegExp(alternatives.join('|'), 'gv');
}

function insideTag(tags: { starts: number[]; ends: number[] }, start: number, end: number): boolean {
  return tags.starts.some((tagStart, index) => start < (tags.ends[index] ?? tagStart) && end > tagStart);
}

/** Escapes the characters that are syntax outside a class (the only ones the `v` flag lets be escaped there). */
function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, (char) => `\\${char}`);
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}
