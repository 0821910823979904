/** One extra voice of a blend, as the user gives it (`--blend VOICE=WEIGHT`). */
export interface BlendEntry {
  voice: string;
  weight: number;
}

/** One entry of `timbre_weights` as sent (the documented examples' array form: docs/providers/sensenova.md). */
export interface TimbreWeight {
  voice: string;
  weight: number;
}

/** At most this many voices in a blend, the main voice included (docs/providers/sensenova.md). */
export const MAX_BLEND_VOICES = 4;
/** How far the weights may sum from 1, and how small the main voice's share may get. */
export const WEIGHT_TOLERANCE = 1e-6;

/**
 * The first rule a blend breaks, or undefined when it is valid. `mainVoice` is known only to the
 * client (the settings schema sees the settings alone), so the check that the blend does not
 * name the main voice again happens there.
 */
export function blendProblem(blend: readonly BlendEntry[], mainVoice?: string): string | undefined {
  if (blend.length === 0) return undefined;
  if (blend.length + 1 > MAX_BLEND_VOICES) {
    return `at most ${MAX_BLEND_VOICES} voices in all, the main voice included; got ${blend.length + 1}`;
  }
  const seen = new Set<string>();
  for (const { voice, weight } of blend) {
    if (voice.trim() === '') return 'a blended voice needs a name';
    if (!Number.isFinite(weight) || weight <= 0 || weight > 1) {
      return `weight of ${voice} must be in (0, 1], got ${weight}`;
    }
    if (seen.has(voice)) return `${voice} is blended twice; each voice may appear once`;
    seen.add(voice);
    if (voice === mainVoice) {
      return `${voice} is the main voice; the main voice is not listed in the blend, it takes 1 − the sum of the blended weights`;
    }
  }
  const sum = blend.reduce((total, entry) => total + entry.weight, 0);
  if (1 - sum < WEIGHT_TOLERANCE) {
    return `blended weights sum to ${roundWeight(sum)}, leaving the main voice nothing; they must sum to less than 1 (the main voice takes 1 − sum, and all weights sum to 1)`;
  }
  return undefined;
}

/**
 * `timbre_weights` for a main voice and its blend: the main voice first with 1 − the blended
 * weights, so the voice in voice_setting is always among them and all weights sum to 1.
 * Undefined when there is nothing to blend (the API then uses the main voice alone).
 */
export function timbreWeights(mainVoice: string, blend: readonly BlendEntry[]): TimbreWeight[] | undefined {
  if (blend.length === 0) return undefined;
  const sum = blend.reduce((total, entry) => total + entry.weight, 0);
  return [{ voice: mainVoice, weight: roundWeight(1 - sum) }, ...blend.map(({ voice, weight }) => ({ voice, weight }))];
}

/** 1 − 0.7 is 0.30000000000000004 in floating point; nine decimals keep the sum within 1e-9 of 1. */
function roundWeight(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
