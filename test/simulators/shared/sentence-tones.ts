import { fnv1a } from '../../support/seeded-random.ts';

/**
 * Tone `sentences` (issue 13 item 4): audio whose sentence boundaries are known, so timing tests
 * can compare the sentence starts a client derives with the truth. Every simulator that offers
 * the tone uses this one rule and this one timeline:
 * - sentences are found by the simulators' own rule (simSentences), never by the client's;
 * - each sentence is one burst whose pace varies by sentence (0.7–1.3 × msPerChar per code point,
 *   from a hash of it), with 150 ms of quiet after each comma inside it;
 * - 300–600 ms of quiet after a sentence another follows (from a hash of it), 120 ms before the
 *   first sentence of an answer and 200 ms after its last.
 */
export const LEAD_MS = 120;
export const TAIL_MS = 200;
export const COMMA_PAUSE_MS = 150;

export interface Silence {
  atMs: number;
  durationMs: number;
}

/** One sentence as the timeline speaks it. */
export interface TimedSentence {
  text: string;
  /** Where its burst starts, ms into the timeline (not rounded). */
  startMs: number;
  /** Ms per code point of this sentence. */
  paceMs: number;
}

export interface SentenceTimeline {
  /** Whole ms; at least 1. */
  durationMs: number;
  /** The quiet stretches, in order (the lead, comma pauses, the gaps and the tail). */
  silences: Silence[];
  sentences: TimedSentence[];
  /** Each sentence's start rounded to whole ms: what simulators record as `sentenceStartsMs`. */
  sentenceStartsMs: number[];
}

/** Where a piece of speech sits in its answer (CosyVoice speaks an answer a piece at a time). */
export interface TimelinePlace {
  /** The piece opens the answer: the 120 ms lead before it (default true). */
  opensAnswer?: boolean;
  /**
   * The piece closes the answer: 200 ms after its last sentence (default true). False: its last
   * sentence gets the gap any sentence another follows gets.
   */
  closesAnswer?: boolean;
}

const CLOSING = `["'”’»）)]*`;
const SENTENCE = new RegExp(`[^。！？]*?(?:[。！？]+|[.!?]+(?=\\s|$)|$)${CLOSING}`, 'gsu');

/**
 * The simulators' own sentence rule, over text as spoken (each simulator removes its provider's
 * markup first): a run of `。！？` anywhere, or of `.!?` before whitespace or the end, with the
 * closing quotes and brackets that follow it.
 */
export function simSentences(spoken: string): string[] {
  return (spoken.trim().match(SENTENCE) ?? []).map((s) => s.trim()).filter((s) => s !== '');
}

/** The quiet after `sentence` when another sentence follows it: 300–600 ms, from a hash of it. */
export function gapAfterMs(sentence: string): number {
  return 300 + (fnv1a(`${sentence}#gap`) % 301);
}

/** Ms per code point of `sentence`: 0.7–1.3 × msPerChar, from a hash of it. */
export function sentencePaceMs(sentence: string, msPerChar: number): number {
  return msPerChar * (0.7 + (fnv1a(sentence) % 61) / 100);
}

/** The timeline of `spoken` (see the top of this file); `place` says where it sits in its answer. */
export function sentenceTimeline(spoken: string, msPerChar: number, place: TimelinePlace = {}): SentenceTimeline {
  const opens = place.opensAnswer ?? true;
  const closes = place.closesAnswer ?? true;
  const silences: Silence[] = opens ? [{ atMs: 0, durationMs: LEAD_MS }] : [];
  const timed: TimedSentence[] = [];
  let atMs = opens ? LEAD_MS : 0;
  const sentences = simSentences(spoken);
  sentences.forEach((sentence, index) => {
    const paceMs = sentencePaceMs(sentence, msPerChar);
    timed.push({ text: sentence, startMs: atMs, paceMs });
    const pieces = sentence.split(/(?<=[,，])/u);
    pieces.forEach((piece, i) => {
      atMs += [...piece].length * paceMs;
      if (i + 1 < pieces.length) {
        silences.push({ atMs: Math.round(atMs), durationMs: COMMA_PAUSE_MS });
        atMs += COMMA_PAUSE_MS;
      }
    });
    const gap = closes && index + 1 === sentences.length ? TAIL_MS : gapAfterMs(sentence);
    silences.push({ atMs: Math.round(atMs), durationMs: gap });
    atMs += gap;
  });
  return {
    durationMs: Math.max(1, Math.round(atMs)),
    silences,
    sentences: timed,
    sentenceStartsMs: timed.map((s) => Math.round(s.startMs)),
  };
}

/**
 * Where code point `offset` of a timed sentence is spoken, ms into the timeline: its pace per
 * code point before it, plus the comma pauses passed (a comma ending the sentence has none).
 */
export function sentenceOffsetMs(sentence: TimedSentence, offset: number): number {
  const chars = [...sentence.text];
  let pauses = 0;
  for (let i = 0; i < Math.min(offset, chars.length - 1); i += 1) {
    if (chars[i] === ',' || chars[i] === '，') pauses += 1;
  }
  return sentence.startMs + offset * sentence.paceMs + pauses * COMMA_PAUSE_MS;
}
