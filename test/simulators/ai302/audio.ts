import { synthAudio, type SynthAudioOptions } from '../../support/audio-synth.ts';
import { fnv1a, seededRandom } from '../../support/seeded-random.ts';
import { sentenceTimeline } from '../shared/sentence-tones.ts';
import { encodeSamples, samplesOf } from '../shared/encode-samples.ts';
import { applyBadTake, otherTextOf, type BadTake } from '../shared/take-faults.ts';
import type { BadTaskAudio } from './faults.ts';

/** Higgs Audio v2 decodes 24 kHz mono (docs/providers/ai302.md); 302.AI's container is UNCONFIRMED, likely wav. */
export const HIGGS_SAMPLE_RATE = 24_000;

export type ResultFormat = 'wav' | 'mp3';

/** `[SPEAKER0]` tags mark turns; they are not read aloud, nor billed. */
const SPEAKER_TAG = /\[SPEAKER\d+\]/g;

/** What is spoken: the text without speaker tags. */
export function spokenText(text: string): string {
  return text.replace(SPEAKER_TAG, '');
}

/** Code points spoken: what the simulator reports as billed characters. */
export function usageCharacters(text: string): number {
  return [...spokenText(text).trim()].length;
}

/**
 * What the speech sounds like: `per-text` (default) a tone whose pitch comes from a hash of the
 * text, as long as msPerChar per spoken code point; `sentences` known sentence boundaries for the
 * timing tests (issue 13 item 4), by the rule and timeline all simulators share
 * (../shared/sentence-tones.ts): one burst per sentence, real gaps between, each start recorded.
 */
export type Ai302Tone = 'per-text' | 'sentences';

export const AI302_TONES: readonly Ai302Tone[] = ['per-text', 'sentences'];

export interface TaskAudio {
  bytes: Uint8Array;
  durationMs: number;
  /** tone `sentences`: where each sentence's burst starts, ms into the audio. */
  sentenceStartsMs?: number[];
  /** tone `sentences`: the sentences those starts are of. */
  sentenceTexts?: string[];
}

/**
 * Real, decodable 24 kHz mono audio whose length follows the text and whose pitch comes from a
 * hash of it (neighbouring segments differ audibly). mp3 at 64 kbps keeps lamejs at 24 kHz; it
 * carries no Info frame, so a decoder hears the encoder's delay before the recorded starts.
 */
export function taskAudio(text: string, msPerChar: number, format: ResultFormat, tone: Ai302Tone = 'per-text'): TaskAudio {
  const plan = tonePlan(text, msPerChar, tone);
  const bytes = format === 'mp3' ? synthAudio('mp3', { ...plan.tone, bitrate: 64_000, id3: true }) : synthAudio('wav', plan.tone);
  return {
    bytes,
    durationMs: plan.durationMs,
    ...(plan.sentenceStartsMs === undefined ? {} : { sentenceStartsMs: plan.sentenceStartsMs, sentenceTexts: plan.sentenceTexts ?? [] }),
  };
}

/**
 * A bad take of the text (../shared/take-faults.ts): taskAudio's tone as samples, spoiled by
 * `take`, in the same container (mp3 at 64 kbps with an ID3 tag, or wav). `durationMs` is the
 * audio's real length; no sentence starts. For `otherText`, the text it speaks instead.
 */
export function badTakeTaskAudio(
  text: string,
  msPerChar: number,
  format: ResultFormat,
  tone: Ai302Tone,
  take: BadTake,
): TaskAudio & { spokenInstead?: string } {
  const other = otherTextOf(take, text);
  const monoOf = (spoken: string): Int16Array => samplesOf(synthAudio('pcm', tonePlan(spoken, msPerChar, tone).tone));
  const samples = applyBadTake(take, monoOf(text), HIGGS_SAMPLE_RATE, other === undefined ? undefined : () => monoOf(other));
  const encoding = { format, sampleRate: HIGGS_SAMPLE_RATE, channels: 1, bitrate: 64_000, id3: true } as const;
  return {
    bytes: encodeSamples(samples, encoding),
    durationMs: Math.round((samples.length * 1000) / HIGGS_SAMPLE_RATE),
    ...(other === undefined ? {} : { spokenInstead: other }),
  };
}

interface TonePlan {
  tone: SynthAudioOptions;
  durationMs: number;
  sentenceStartsMs?: number[];
  sentenceTexts?: string[];
}

function tonePlan(text: string, msPerChar: number, tone: Ai302Tone): TonePlan {
  const base = { sampleRate: HIGGS_SAMPLE_RATE, channels: 1 as const, frequencyHz: 180 + (fnv1a(text) % 520) };
  if (tone === 'sentences') {
    const known = sentenceTimeline(spokenText(text), msPerChar);
    return {
      tone: { ...base, durationMs: known.durationMs, silences: known.silences },
      durationMs: known.durationMs,
      sentenceStartsMs: known.sentenceStartsMs,
      sentenceTexts: known.sentences.map((s) => s.text),
    };
  }
  const durationMs = Math.max(200, Math.round(usageCharacters(text) * msPerChar));
  return { tone: { ...base, durationMs }, durationMs };
}

/** The result file of a task that finished with a bad answer (the same bytes on every download). */
export function badTaskAudio(text: string, variant: BadTaskAudio): Uint8Array {
  if (variant === 'tooLong') {
    // Half a second per character: far past any duration ceiling a test sets for its text.
    return taskAudio(text, 500, 'wav').bytes;
  }
  const random = seededRandom(fnv1a(text));
  return Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
}
