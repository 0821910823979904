import { seededRandom } from '../../support/seeded-random.ts';

/**
 * What the status-2 event carries, which SenseAudio does not document
 * (docs/providers/senseaudio.md, "Answers and events"):
 * - `repeat`: the whole audio again, after status-1 events that already carried all of it;
 * - `tail`: the last piece, the status-1 events carrying everything before it (what the documented
 *   Python example, writing every event's audio, fits);
 * - `empty`: no audio, everything came in status-1 events.
 */
export type FinalEventVariant = 'repeat' | 'tail' | 'empty';

export const FINAL_EVENT_VARIANTS: readonly FinalEventVariant[] = ['repeat', 'tail', 'empty'];

/** A variant for every request, `random` (seeded, per request), or a function of the request. */
export type FinalEventPlan = FinalEventVariant | 'random' | ((requestNumber: number, body: unknown) => FinalEventVariant);

/** Resolves a plan into a per-request picker; `random` draws from the seeded PRNG in arrival order. */
export function finalEventPicker(plan: FinalEventPlan, seed: number): (requestNumber: number, body: unknown) => FinalEventVariant {
  if (typeof plan === 'function') return plan;
  if (plan !== 'random') return () => plan;
  const next = seededRandom(seed ^ 0x5eed_f1a1);
  return () => FINAL_EVENT_VARIANTS[Math.floor(next() * FINAL_EVENT_VARIANTS.length)] ?? 'repeat';
}

/** The hex of the status-1 events and of the status-2 event for one answer in `variant`. */
export function splitAudioEvents(
  pieces: readonly string[],
  wholeHex: string,
  variant: FinalEventVariant,
): { chunks: string[]; final: string } {
  switch (variant) {
    case 'repeat':
      return { chunks: [...pieces], final: wholeHex };
    case 'empty':
      return { chunks: [...pieces], final: '' };
    case 'tail':
      return { chunks: pieces.slice(0, -1), final: pieces.at(-1) ?? '' };
  }
}
