import { synthAudio } from '../../support/audio-synth.ts';
import { fnv1a, seededRandom } from '../../support/seeded-random.ts';
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
 * Real, decodable 24 kHz mono audio whose length follows the text and whose pitch comes from a
 * hash of it (neighbouring segments differ audibly). mp3 at 64 kbps keeps lamejs at 24 kHz.
 */
export function taskAudio(text: string, msPerChar: number, format: ResultFormat): { bytes: Uint8Array; durationMs: number } {
  const durationMs = Math.max(200, Math.round(usageCharacters(text) * msPerChar));
  const options = { durationMs, sampleRate: HIGGS_SAMPLE_RATE, channels: 1 as const, frequencyHz: 180 + (fnv1a(text) % 520) };
  const bytes = format === 'mp3' ? synthAudio('mp3', { ...options, bitrate: 64_000, id3: true }) : synthAudio('wav', options);
  return { bytes, durationMs };
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
