import type { WordTiming } from '../provider.ts';
import type { SentenceWords } from './protocol-messages.ts';

/**
 * Gathers a task's word timestamps from its events. The documents disagree on where they come:
 * the server-events page shows them in each sentence-end, the WebSocket page says only
 * task-finished has the complete ones and warns that reading several events gives duplicates,
 * and one sentence may have several sentence-synthesis events, each with the words so far. So a
 * sentence's words are replaced, never appended, by each later event naming that sentence (the
 * last word is the final one), and a word seen twice (same text and times) is kept once.
 * The times are taken as the service gives them: milliseconds into the task's audio, which is
 * the segment's (whether they restart per sentence is not documented: UNCONFIRMED).
 */
export class WordTimings {
  readonly #bySentence = new Map<number, readonly WordTiming[]>();
  #lastIndex = 0;

  add(sentence: SentenceWords | undefined): void {
    if (sentence === undefined || sentence.words.length === 0) return;
    const index = sentence.index ?? this.#lastIndex;
    this.#bySentence.set(index, sentence.words);
    this.#lastIndex = index;
  }

  /** Every word once, in sentence order and, within a sentence, as the service listed them. */
  result(): WordTiming[] {
    const seen = new Set<string>();
    const words: WordTiming[] = [];
    for (const index of [...this.#bySentence.keys()].sort((a, b) => a - b)) {
      for (const word of this.#bySentence.get(index) ?? []) {
        const key = `${word.startMs}:${word.endMs}:${word.text}`;
        if (seen.has(key)) continue;
        seen.add(key);
        words.push(word);
      }
    }
    return words;
  }
}
