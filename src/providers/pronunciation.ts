/**
 * How a provider can be told to say a word differently: the one capability the lexicon (a
 * book's list of names and their pronunciations) compiles into.
 * - `dictionary`: a request field maps written text to a replacement the provider reads instead
 *   (SenseAudio `dictionary`, documented for cloned voices on the 1.5 model only).
 * - `phoneme`: SSML `<phoneme>` around the word (CosyVoice, where SSML is supported).
 * - `respell`: no provider help; the text itself is respelled before it is cut into segments
 *   ("Nguyen" → "Win"). Always available, so every provider has at least this.
 */
export type PronunciationMethod = 'dictionary' | 'phoneme' | 'respell';

/** Declared with the lexicon parsers (text knowledge); providers name it from here. */
export type { LexiconEntry } from '../text/lexicon/lexicon-entry.ts';

/** What a provider's pronunciation() answers for one model and voice: methods best first, and why. */
export interface PronunciationSupport {
  methods: readonly PronunciationMethod[];
  /** For `phoneme`: the alphabets the document names. */
  alphabets?: readonly string[];
  /** One line from the document saying which models and voices take which method. */
  note: string;
}
