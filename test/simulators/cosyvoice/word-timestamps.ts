/** One entry of `payload.output.sentence.words`, as the server-events page shows it. */
export interface SimWord {
  text: string;
  begin_index: number;
  end_index: number;
  begin_time: number;
  end_time: number;
}

/**
 * Where the simulator puts word timestamps when run-task asked for them
 * (`word_timestamp_enabled`); the documents describe three placements:
 * - `sentence-end` (default): each sentence's words in its sentence-end, the other events empty
 *   (the server-events page's example);
 * - `every-event`: each sentence-synthesis repeats the words so far and sentence-end has them
 *   all, so a client that appends gets duplicates (the WebSocket page's warning);
 * - `task-finished`: none in result-generated, every word of the task in task-finished (the
 *   WebSocket page's "best practice" section).
 */
export type WordTimestampPlacement = 'sentence-end' | 'every-event' | 'task-finished';

/** 字级别: a CJK ideograph is a word of its own, so is a punctuation mark; a run of letters or digits is one. */
const WORD = /\p{Unified_Ideograph}|[\p{L}\p{N}\p{M}'’-]+|\S/gu;

/**
 * The words of `text` spoken from `startMs` into the task's audio, each lasting `msPerChar` per
 * code point, back to back, as the simulator's audio does (whitespace is not spoken). Indexes are
 * code points into the sentence, begin from 0, end from 1, as documented.
 */
export function sentenceWords(text: string, startMs: number, msPerChar: number): SimWord[] {
  const words: SimWord[] = [];
  let at = startMs;
  for (const word of wordsOf(text)) {
    const end = Math.round(at + word.length * msPerChar);
    words.push({
      text: word.text,
      begin_index: word.begin,
      end_index: word.begin + word.length,
      begin_time: Math.round(at),
      end_time: end,
    });
    at += word.length * msPerChar;
  }
  return words;
}

/** The words of `text` (字级别, as above): each with its first code point's index and its length in code points. */
export function wordsOf(text: string): { text: string; begin: number; length: number }[] {
  return [...text.matchAll(WORD)].map((match) => ({
    text: match[0],
    begin: [...text.slice(0, match.index)].length,
    length: [...match[0]].length,
  }));
}
