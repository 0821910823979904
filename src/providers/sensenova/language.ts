/** The `language` values the speech fusion page lists ("ZH, EN, 默认 ZH"); its examples send "zh". */
export type SenseNovaLanguage = 'ZH' | 'EN';

/** The `language` setting: 'auto' (default) picks per segment from its text; ZH or EN forces one. */
export const SENSENOVA_LANGUAGE_SETTINGS = ['auto', 'ZH', 'EN'] as const;
export type SenseNovaLanguageSetting = (typeof SENSENOVA_LANGUAGE_SETTINGS)[number];

/** A Latin-script word: letters (with their marks), apostrophes inside (`don't`, `O’Brien`). */
const LATIN_WORD = /\p{Script=Latin}(?:[\p{Script=Latin}\p{M}'’]*[\p{Script=Latin}\p{M}])?/gu;
/** Any letter of another script: a Han character, kana, hangul, Cyrillic … */
const OTHER_LETTER = /(?!\p{Script=Latin})\p{L}/gu;

/**
 * The language a segment is spoken in under 'auto'. "Mostly Latin" is counted in spoken units: a
 * Latin word against each other letter (a Han character is a syllable, about a word), so
 * `我喜欢 Harry Potter 这本书` (2 words, 6 characters) stays ZH and `Li said 你好 to me` (4
 * words, 2 characters) is EN. EN when the Latin words are more; otherwise ZH, the documented
 * default, also for text without letters (digits, punctuation).
 */
export function detectLanguage(text: string): SenseNovaLanguage {
  const latinWords = text.match(LATIN_WORD)?.length ?? 0;
  if (latinWords === 0) return 'ZH';
  const otherLetters = text.match(OTHER_LETTER)?.length ?? 0;
  return latinWords > otherLetters ? 'EN' : 'ZH';
}

/** What a request sends as `language` for this segment text and setting (absent = 'auto'). */
export function languageFor(text: string, setting: SenseNovaLanguageSetting | undefined): SenseNovaLanguage {
  return setting === undefined || setting === 'auto' ? detectLanguage(text) : setting;
}
