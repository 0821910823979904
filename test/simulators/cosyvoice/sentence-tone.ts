import { fnv1a } from '../../support/seeded-random.ts';
import { sentenceOffsetMs, sentenceTimeline, type Silence } from '../shared/sentence-tones.ts';
import { toneAudio, type SimFormat } from './audio.ts';
import type { Utterance } from './utterance.ts';
import { wordsOf, type SimWord } from './word-timestamps.ts';

/**
 * What the speech sounds like: `per-text` (default) a tone per sentence whose pitch comes from a
 * hash of it, msPerChar per non-space code point; `sentences` known sentence boundaries for the
 * timing tests (issue 13 item 4), by the rule and timeline all simulators share
 * (../shared/sentence-tones.ts).
 */
export type CosyVoiceTone = 'per-text' | 'sentences';

export const COSYVOICE_TONES: readonly CosyVoiceTone[] = ['per-text', 'sentences'];

/** One utterance spoken in tone `sentences`; times are ms into the task's audio. */
export interface SentenceToneSpeech {
  durationMs: number;
  /** The shared rule's sentences in it, and where each burst starts. */
  sentences: { text: string; startMs: number }[];
  /** Word timestamps that match the bursts (code-point indexes into the utterance's text). */
  words: SimWord[];
  /** The utterance's audio, one piece: the tone with the timeline's silences and the SSML pauses. */
  audio(format: SimFormat, sampleRate: number, firstOfTask: boolean): Uint8Array;
}

/**
 * The service speaks a task one sentence (utterance) at a time, as its text arrives, so the
 * shared timeline is laid piece by piece: the 120 ms lead before the task's first utterance, and
 * every sentence followed by the gap a sentence gets when another follows (the simulator cannot
 * know which sentence is the task's last while it speaks it, so there is no 200 ms tail). Runs of
 * speech between SSML pauses each go through the timeline; a pause is silence where it stands.
 * mp3 is encoded per utterance, so a decoder also hears each piece's encoder delay and padding:
 * the recorded starts are exact for pcm and wav.
 */
export function sentenceToneSpeech(utterance: Utterance, msPerChar: number, opensTask: boolean, startMs: number): SentenceToneSpeech {
  const silences: Silence[] = [];
  const sentences: SentenceToneSpeech['sentences'] = [];
  const words: SimWord[] = [];
  let atMs = 0;
  let textOffset = 0;
  let run = '';
  const flushRun = () => {
    if (run === '') return;
    const timeline = sentenceTimeline(run, msPerChar, {
      opensAnswer: opensTask && atMs === 0 && sentences.length === 0,
      closesAnswer: false,
    });
    if (timeline.sentences.length > 0) {
      for (const silence of timeline.silences) silences.push({ atMs: atMs + silence.atMs, durationMs: silence.durationMs });
      let cursor = 0;
      for (const sentence of timeline.sentences) {
        sentences.push({ text: sentence.text, startMs: startMs + atMs + sentence.startMs });
        const at = run.indexOf(sentence.text, cursor);
        const sentenceOffset = textOffset + [...run.slice(0, at)].length;
        cursor = at + sentence.text.length;
        for (const word of wordsOf(sentence.text)) {
          const begin = startMs + atMs + sentenceOffsetMs(sentence, word.begin);
          words.push({
            text: word.text,
            begin_index: sentenceOffset + word.begin,
            end_index: sentenceOffset + word.begin + word.length,
            begin_time: Math.round(begin),
            end_time: Math.round(begin + word.length * sentence.paceMs),
          });
        }
      }
      atMs += timeline.durationMs;
    }
    textOffset += [...run].length;
    run = '';
  };
  for (const piece of utterance.pieces) {
    if (piece.kind === 'speech') {
      run += piece.text;
      continue;
    }
    flushRun();
    silences.push({ atMs, durationMs: piece.ms });
    atMs += piece.ms;
  }
  flushRun();
  const durationMs = Math.max(1, Math.round(atMs));
  const frequencyHz = 180 + (fnv1a(utterance.text) % 520);
  return {
    durationMs,
    sentences,
    words,
    audio: (format, sampleRate, firstOfTask) => toneAudio({ durationMs, frequencyHz, silences }, format, sampleRate, firstOfTask),
  };
}
