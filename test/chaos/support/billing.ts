import { usageCharacters } from '../../simulators/senseaudio/audio.ts';
import type { RecordedRequest } from '../../simulators/senseaudio/server.ts';

/**
 * What the provider billed: every request it started speaking (audio generated), whether or not
 * the client stayed to the end. A conservative reading: some providers do not bill a request
 * the client abandoned, none bills one it refused.
 */
export function billedCharacters(requests: readonly RecordedRequest[]): number {
  return requests.reduce((sum, request) => sum + (request.usageCharacters ?? 0), 0);
}

/** The least any render of these segment texts can be billed: each distinct text once. */
export function neededCharacters(speechTexts: readonly string[]): number {
  let sum = 0;
  for (const text of new Set(speechTexts)) sum += usageCharacters(text);
  return sum;
}

/**
 * Segments whose text also occurs earlier in the book: two workers may speak both copies at once
 * (neither finds the other's audio yet), so even an undisturbed render may pay for them twice.
 */
export function duplicateCharacters(speechTexts: readonly string[]): number {
  const seen = new Set<string>();
  let sum = 0;
  for (const text of speechTexts) {
    if (seen.has(text)) sum += usageCharacters(text);
    seen.add(text);
  }
  return sum;
}

export function usageOf(text: string | undefined): number {
  return text === undefined ? 0 : usageCharacters(text);
}

/** "+3.2 %" style, for the one-line figures the scenarios print. */
export function overhead(billed: number, needed: number): string {
  return needed === 0 ? 'n/a' : `${billed >= needed ? '+' : ''}${(((billed - needed) / needed) * 100).toFixed(1)} %`;
}
