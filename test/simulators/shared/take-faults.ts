import { fnv1a, seededRandom } from '../../support/seeded-random.ts';

/**
 * Bad takes (issue 15 item 5): answers that are a normal success on the wire and valid audio of
 * the requested format, but not a good reading of the text, as providers have been seen to send.
 * Each simulator makes its normal speech as mono s16le samples, applies the variant here, then
 * encodes to the requested format; status, billing and final events stay those of a success.
 */
export type BadTakeVariant = 'truncated' | 'silent' | 'padded' | 'doubled' | 'clipped' | 'otherText';

export const BAD_TAKE_VARIANTS: readonly BadTakeVariant[] = ['truncated', 'silent', 'padded', 'doubled', 'clipped', 'otherText'];

/** Where `padded` puts its silence: before the speech, in the middle of it, or after it. */
export type PadPlace = 'leading' | 'inner' | 'trailing';

/** One bad take, with its parameters (every one has a default). */
export type BadTake =
  /** The speech stops part-way: `fraction` of the samples kept (default 0.5), cut where it is loud (no fade). */
  | { variant: 'truncated'; fraction?: number }
  /** As long as the speech, but a noise floor of ±`noise` LSB (default 3, about −80 dBFS; 0 = digital silence). */
  | { variant: 'silent'; noise?: number }
  /** The speech plus `seconds` of digital silence (default 4) at `where` (default 'trailing'). */
  | { variant: 'padded'; where?: PadPlace; seconds?: number }
  /** The speech twice in a row, as a model that hallucinates a repeat. */
  | { variant: 'doubled' }
  /** The speech × `gain` (default 8), hard clipped at ±32767: most samples sit at full scale. */
  | { variant: 'clipped'; gain?: number }
  /** Speech of another text (`text`, default otherTextFor the request's), for the recognizer check. */
  | { variant: 'otherText'; text?: string };

/** The fault every simulator's union carries. */
export type BadTakeFault = { kind: 'badTake' } & BadTake;

/** How many takes a simulator spoiled, per variant. */
export type BadTakeCounts = Record<BadTakeVariant, number>;

export function emptyBadTakeCounts(): BadTakeCounts {
  return { truncated: 0, silent: 0, padded: 0, doubled: 0, clipped: 0, otherText: 0 };
}

/** The last stretch a truncated take keeps loud (the client's cut-ending check looks at 20 ms). */
const LOUD_TAIL_MS = 25;
/** A block at least half a period of the lowest simulator tone (180 Hz), so a loud block holds a crest. */
const BLOCK_MS = 5;
const FULL_SCALE = 32767;

/**
 * `samples` (mono s16le, at `sampleRate`) as the bad take `take` hears it. A new array; the
 * input is not changed. `otherText` needs `otherAudio`: the simulator's normal audio of the text
 * otherTextOf names (same rate).
 */
export function applyBadTake(take: BadTake, samples: Int16Array, sampleRate: number, otherAudio?: () => Int16Array): Int16Array {
  switch (take.variant) {
    case 'truncated':
      return samples.slice(0, truncationPoint(samples, sampleRate, take.fraction ?? 0.5));
    case 'silent':
      return noiseFloor(samples.length, take.noise ?? 3, samples.length);
    case 'padded':
      return padded(samples, Math.round((take.seconds ?? 4) * sampleRate), take.where ?? 'trailing');
    case 'doubled': {
      const out = new Int16Array(samples.length * 2);
      out.set(samples, 0);
      out.set(samples, samples.length);
      return out;
    }
    case 'clipped': {
      const gain = take.gain ?? 8;
      return samples.map((sample) => Math.max(-FULL_SCALE, Math.min(FULL_SCALE, Math.round(sample * gain))));
    }
    case 'otherText':
      if (otherAudio === undefined) throw new Error('an otherText bad take needs the audio of the other text');
      return otherAudio().slice();
  }
}

/** The text an `otherText` take speaks instead of `text`. */
export function otherTextOf(take: BadTake, text: string): string | undefined {
  return take.variant === 'otherText' ? (take.text ?? otherTextFor(text)) : undefined;
}

const OTHER_LATIN = 'The quick brown fox jumps over the lazy dog. ';
const OTHER_HAN = '今天天气很好，我们一起去公园散步吧。';

/**
 * Another text of about the same length (code points) and script: a duration check cannot tell
 * the take from a good one, only a recognizer can. Never equal to `text`.
 */
export function otherTextFor(text: string): string {
  const chars = [...text.trim()];
  const han = chars.filter((char) => /\p{Script=Han}/u.test(char)).length;
  const filler = [...(han * 2 >= chars.length && han > 0 ? OTHER_HAN : OTHER_LATIN)];
  const length = Math.max(1, chars.length);
  const other = Array.from({ length }, (_, i) => filler[i % filler.length])
    .join('')
    .trim();
  return other === text.trim() || other === '' ? `${other} Not this one.` : other;
}

/**
 * Where a truncated take ends: near `fraction` of the samples, at a point whose last
 * LOUD_TAIL_MS are all speech (no pause, no fade), on a sample near the crest, so the take stops
 * mid-sound. The nearest such point to the target, either way; the target itself when the audio
 * has no loud stretch at all.
 */
function truncationPoint(samples: Int16Array, sampleRate: number, fraction: number): number {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`truncated: fraction must be in (0, 1), got ${fraction}`);
  const target = Math.max(1, Math.round(samples.length * fraction));
  const block = Math.max(1, Math.round((BLOCK_MS * sampleRate) / 1000));
  const tail = Math.max(block, Math.round((LOUD_TAIL_MS * sampleRate) / 1000));
  const peak = samples.reduce((most, sample) => Math.max(most, Math.abs(sample)), 0);
  if (peak === 0) return target;
  const loud = (end: number): boolean => {
    if (end - tail < 0 || end > samples.length) return false;
    for (let from = end - tail; from < end; from += block) {
      let most = 0;
      for (let i = from; i < Math.min(end, from + block); i += 1) most = Math.max(most, Math.abs(samples[i] ?? 0));
      if (most < peak / 2) return false;
    }
    return true;
  };
  const step = Math.max(1, Math.round(sampleRate / 1000));
  for (let offset = 0; offset <= samples.length; offset += step) {
    for (const end of [target - offset, target + offset]) {
      if (end >= samples.length || !loud(end)) continue;
      // Back to the last sample near the crest: the take's very last sample is loud.
      for (let i = end - 1; i > end - block; i -= 1) if (Math.abs(samples[i] ?? 0) >= peak * 0.7) return i + 1;
      return end;
    }
  }
  return target;
}

/** `length` samples of a seeded ±`noise` LSB floor (the same every time). */
function noiseFloor(length: number, noise: number, seed: number): Int16Array {
  const out = new Int16Array(length);
  if (noise <= 0) return out;
  const next = seededRandom(seed ^ 0x51_1e_7c);
  for (let i = 0; i < length; i += 1) out[i] = Math.round((next() * 2 - 1) * noise);
  return out;
}

function padded(samples: Int16Array, silence: number, where: PadPlace): Int16Array {
  const out = new Int16Array(samples.length + silence);
  const at = where === 'leading' ? 0 : where === 'trailing' ? samples.length : Math.floor(samples.length / 2);
  out.set(samples.subarray(0, at), 0);
  out.set(samples.subarray(at), at + silence);
  return out;
}

// --- choosing takes ----------------------------------------------------------------------------

/** What a simulator knows of a take when it asks a TakeFaultPlan: its text as sent, and its request number. */
export interface TakeRequest {
  text: string;
  /** The request (create call, connection attempt) number, 1-based. */
  number: number;
}

/**
 * The bad-take plan a simulator consults (its `takeFaults` option) once a take's text is known,
 * for a take no other fault touches; null/undefined = a good take.
 */
export type TakeFaultPlan = (take: TakeRequest) => BadTake | null | undefined;

export interface RandomBadTakes {
  /** Share of takes spoiled, in [0, 1]. */
  share: number;
  seed: number;
  /** What a spoiled take is, drawn evenly (a name = that variant with its defaults); default every variant. */
  variants?: readonly (BadTakeVariant | BadTake)[];
  /** Spoil a text only the first time it is asked for, so its retake is clean (default false). */
  firstTakeOnly?: boolean;
}

/**
 * A TakeFaultPlan spoiling a seeded share of takes. The draw is a hash of the seed, the text and
 * how many times the plan has seen that text before, not of the arrival order: the same texts are
 * spoiled whatever the concurrency. With `firstTakeOnly`, a text's second and later takes are clean.
 */
export function randomBadTakes(options: RandomBadTakes): TakeFaultPlan {
  if (!(options.share >= 0 && options.share <= 1)) throw new RangeError(`bad take share must be in [0, 1], got ${options.share}`);
  const variants: BadTake[] = (options.variants ?? BAD_TAKE_VARIANTS).map((v) => (typeof v === 'string' ? badTakeOf(v) : v));
  if (variants.length === 0) throw new RangeError('bad take variants must not be empty');
  const seen = new Map<string, number>();
  return ({ text }) => {
    const before = seen.get(text) ?? 0;
    seen.set(text, before + 1);
    if (options.firstTakeOnly === true && before > 0) return undefined;
    const next = seededRandom(fnv1a(`${options.seed}\u0000${options.firstTakeOnly === true ? 0 : before}\u0000${text}`));
    const spoiled = next() < options.share;
    const which = Math.floor(next() * variants.length);
    return spoiled ? variants[which] : undefined;
  };
}

/** The variant with its defaults. */
export function badTakeOf(variant: BadTakeVariant): BadTake {
  return { variant };
}
