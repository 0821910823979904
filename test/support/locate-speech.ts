/**
 * Finding a stretch of speech inside a longer recording of the same voice, on decoded s16le mono
 * samples: how the espeak accuracy test tells where each sentence, spoken alone, lies in the
 * segment that said it among others.
 */

/** Where sound is: the first sample louder than `threshold` and one past the last (null: all quiet). */
export function soundBounds(samples: Int16Array, threshold = 100): { start: number; end: number } | null {
  let start = -1;
  let end = -1;
  for (let i = 0; i < samples.length; i += 1) {
    if (Math.abs(samples[i] ?? 0) <= threshold) continue;
    if (start < 0) start = i;
    end = i + 1;
  }
  return start < 0 ? null : { start, end };
}

/** 10 ms: short enough to follow syllables, long enough to smooth over single pitch periods. */
const WINDOW_MS = 10;
/** Mean squares below −60 dBFS count as one floor level: silence is silence, whatever its noise. */
const FLOOR = (32768 * 10 ** (-60 / 20)) ** 2;

/** The log energy of the `window` samples from every sample on (the last windows shorter). */
function logEnvelope(samples: Int16Array, window: number): Float64Array {
  const prefix = new Float64Array(samples.length + 1);
  for (let i = 0; i < samples.length; i += 1) prefix[i + 1] = (prefix[i] ?? 0) + (samples[i] ?? 0) ** 2;
  const envelope = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i += 1) {
    const end = Math.min(samples.length, i + window);
    envelope[i] = Math.log10(((prefix[end] ?? 0) - (prefix[i] ?? 0)) / (end - i) + FLOOR);
  }
  return envelope;
}

/** A segment is searched once per sentence in it: its envelope is computed once. */
const envelopes = new WeakMap<Int16Array, { window: number; envelope: Float64Array }>();
function envelopeOf(samples: Int16Array, window: number): Float64Array {
  const known = envelopes.get(samples);
  if (known?.window === window) return known.envelope;
  const envelope = logEnvelope(samples, window);
  envelopes.set(samples, { window, envelope });
  return envelope;
}

/** Pearson correlation of the needle's envelope, every `hop` samples, with the haystack's from sample `at`. */
function correlationAt(haystack: Float64Array, needle: Float64Array, at: number, hop: number): number {
  let n = 0;
  let sumH = 0;
  let sumN = 0;
  for (let j = 0; j < needle.length; j += hop) {
    sumH += haystack[at + j] ?? 0;
    sumN += needle[j] ?? 0;
    n += 1;
  }
  const meanH = sumH / n;
  const meanN = sumN / n;
  let cross = 0;
  let varH = 0;
  let varN = 0;
  for (let j = 0; j < needle.length; j += hop) {
    const h = (haystack[at + j] ?? 0) - meanH;
    const v = (needle[j] ?? 0) - meanN;
    cross += h * v;
    varH += h * h;
    varN += v * v;
  }
  return varH === 0 || varN === 0 ? 0 : cross / Math.sqrt(varH * varN);
}

export interface Located {
  /** The haystack sample where the needle's first sample lies. */
  at: number;
  /** The envelopes' correlation there: near 1 when the needle is really there. */
  r: number;
}

/**
 * Where `needle` lies in `haystack`, at or after sample `from`: the offset whose log-energy
 * envelope (10 ms windows) correlates best with the needle's, searched every 5 ms over the whole
 * rest of the haystack, then to the sample within 10 ms of the best. Envelopes, not waveforms:
 * the same words said in another context keep their energy contour but not their waveform
 * sample for sample (espeak's pitch pulses land elsewhere), so a waveform correlation has weak,
 * unreliable peaks there while the envelope's stays sharp.
 */
export function locateSpeech(haystack: Int16Array, needle: Int16Array, from: number, sampleRate: number): Located {
  const window = Math.round((WINDOW_MS * sampleRate) / 1000);
  const last = haystack.length - needle.length;
  if (needle.length < window || last < from)
    throw new Error(`a ${needle.length}-sample needle does not fit after sample ${from} of ${haystack.length}`);
  const hay = envelopeOf(haystack, window);
  const pin = logEnvelope(needle, window);
  const coarseHop = window;
  let best: Located = { at: from, r: -Infinity };
  for (let at = from; at <= last; at += Math.round(window / 2)) {
    const r = correlationAt(hay, pin, at, coarseHop);
    if (r > best.r) best = { at, r };
  }
  const fineHop = Math.max(1, Math.round(window / 10));
  const coarse = best.at;
  best = { at: coarse, r: -Infinity };
  for (let at = Math.max(from, coarse - window); at <= Math.min(last, coarse + window); at += 1) {
    const r = correlationAt(hay, pin, at, fineHop);
    if (r > best.r) best = { at, r };
  }
  return best;
}

/**
 * Where the sound around sample `at` begins: the first sample after the last quiet gap (at least
 * `gapMs` of samples no louder than `threshold`) before it, looking back at most `reachMs`; when
 * `at` lies in such a gap, the first sound after it, as far ahead. A located sentence can start a
 * little before the point its alone rendition matched (espeak lengthens or reshapes a first vowel
 * in context), and that sound belongs to it; with no gap within reach, `at` stands.
 */
export function soundOnsetNear(samples: Int16Array, at: number, sampleRate: number, threshold = 100, gapMs = 30, reachMs = 250): number {
  const gap = Math.round((gapMs * sampleRate) / 1000);
  const reach = Math.round((reachMs * sampleRate) / 1000);
  const loud = (i: number): boolean => Math.abs(samples[i] ?? 0) > threshold;
  let quietAhead = 0;
  while (quietAhead < gap && at + quietAhead < samples.length && !loud(at + quietAhead)) quietAhead += 1;
  if (quietAhead >= gap) {
    for (let i = at + quietAhead; i < Math.min(samples.length, at + reach); i += 1) if (loud(i)) return i;
    return at;
  }
  // In sound: walk back to the gap before it; `onset` is the earliest loud sample passed so far.
  let firstAhead = at;
  while (firstAhead < at + gap && !loud(firstAhead)) firstAhead += 1;
  const limit = Math.max(0, at - reach);
  let onset = firstAhead;
  let quiet = 0;
  for (let i = at - 1; i >= limit; i -= 1) {
    if (loud(i)) {
      onset = i;
      quiet = 0;
    } else if ((quiet += 1) >= gap) return onset;
  }
  // The segment's first sample reached with no gap: the sound started with the segment.
  return limit === 0 ? onset : at;
}
