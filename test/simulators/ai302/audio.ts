import { synthAudio, type SynthAudioOptions } from '../../support/audio-synth.ts';
import { fnv1a, seededRandom } from '../../support/seeded-random.ts';
import { sentenceTimeline } from '../shared/sentence-tones.ts';
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
  const frequencyHz = 180 + (fnv1a(text) % 520);
  const encode = (options: Omit<SynthAudioOptions, 'sampleRate' | 'channels' | 'frequencyHz'>): Uint8Array => {
    const full = { ...options, sampleRate: HIGGS_SAMPLE_RATE, channels: 1 as const, frequencyHz };
    return format === 'mp3' ? synthAudio('mp3', { ...full, bitrate: 64_000, id3: true }) : synthAudio('wav', full);
  };
  if (tone === 'sentences') {
    const known = sentenceTimeline(spokenText(text), msPerChar);
    return {
      bytes: encode({ durationMs: known.durationMs, silences: known.silences }),
      durationMs: known.durationMs,
      sentenceStartsMs: known.sentenceStartsMs,
      sentenceTexts: known.sentences.map((s) => s.text),
    };
  }
  const durationMs = Math.max(200, Math.round(usageCharacters(text) * msPerChar));
  return { bytes: encode({ durationMs }), durationMs };
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
