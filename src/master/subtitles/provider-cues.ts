/** A word the provider timed, ms from the start of its segment's audio (SynthesisMeta.words). */
export interface TimedWord {
  text: string;
  startMs: number;
  endMs: number;
}

const visible = (text: string): number => [...text.replace(/\s+/gu, '')].length;

/**
 * Sentence spans from the provider's word times: the words are walked in order, counting the
 * characters they carry (whitespace is not a word), and a sentence starts at the word that holds
 * its first character and ends with the word that holds its last. Null when the words do not
 * spell out about the same text (a lexicon's respelling, a provider that skipped some): then the
 * audio is aligned instead.
 */
export function placeByWords(
  sentences: readonly { text: string }[],
  words: readonly TimedWord[],
): { starts: number[]; ends: number[] } | null {
  const wordChars = words.map((word) => visible(word.text));
  const totalWords = wordChars.reduce((a, b) => a + b, 0);
  const sentenceChars = sentences.map((sentence) => visible(sentence.text));
  const totalSentences = sentenceChars.reduce((a, b) => a + b, 0);
  if (words.length === 0 || totalSentences === 0 || Math.abs(totalWords - totalSentences) > 0.1 * totalSentences) return null;
  // Where each word's characters begin, scaled to the sentences' count so a small mismatch spreads evenly.
  const scale = totalSentences / totalWords;
  const wordStarts: number[] = [];
  let at = 0;
  for (const chars of wordChars) {
    wordStarts.push(at * scale);
    at += chars;
  }
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  let w = 0;
  for (const chars of sentenceChars) {
    while (w + 1 < words.length && (wordStarts[w + 1] ?? Infinity) <= offset + 1e-9) w += 1;
    const first = w;
    const lastChar = offset + chars;
    let last = first;
    while (last + 1 < words.length && (wordStarts[last + 1] ?? Infinity) < lastChar - 1e-9) last += 1;
    starts.push(words[first]?.startMs ?? 0);
    ends.push(Math.max(words[last]?.endMs ?? 0, words[first]?.startMs ?? 0));
    offset = lastChar;
    w = last + 1 < words.length ? last + 1 : last;
  }
  return { starts, ends };
}
