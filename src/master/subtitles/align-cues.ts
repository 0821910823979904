import { DEFAULT_READING_LIMITS, type Cue, type ReadingLimits } from './cue.ts';
import type { QuietRun } from './pause-finder.ts';
import { placeByWords, type TimedWord } from './provider-cues.ts';
import { splitForReading } from './split-for-reading.ts';
/** A segment where it landed in an output file, with the sentences it says and the pauses found in its audio (ms from its start). */
export interface AlignableSegment {
  startMs: number;
  durationMs: number;
  sentences: readonly { start: number; end: number; text: string; units: number }[];
  /** Absent: the audio was not scanned, and every sentence is placed by its share (`estimated`). */
  pausesMs?: readonly QuietRun[];
  /** The provider's word times for this segment, when it gave them: they come first. */
  words?: readonly TimedWord[] | undefined;
}

/**
 * Cues from the provider's word times where it gave them (`provider`), else from the audio: within each segment the speech starts after its leading quiet and ends
 * before its trailing quiet, and the boundaries between sentences are put on pauses found in the
 * audio, chosen together so each sentence's length fits its share of the speech (its provider
 * units), longer pauses preferred (bestPauses). With fewer pauses than boundaries, each boundary
 * goes on the pause nearest its share, or at the share itself, and the sentence after it is
 * marked `estimated`; a segment whose audio was not scanned is estimated throughout.
 */
export function alignCues(segments: readonly AlignableSegment[], limits: ReadingLimits | null = DEFAULT_READING_LIMITS): Cue[] {
  const cues: Cue[] = [];
  for (const [position, segment] of segments.entries()) {
    const sentences = segment.sentences;
    if (sentences.length === 0) continue;
    const pauses = segment.pausesMs ?? [];
    const duration = segment.durationMs;
    const lead = pauses.find((p) => p.start <= 0);
    const trail = pauses.find((p) => p.end >= duration && p.start > 0);
    const speechStart = lead === undefined ? 0 : Math.min(lead.end, duration);
    const speechEnd = trail === undefined ? duration : Math.max(trail.start, speechStart);
    const inner = pauses.filter((p) => p !== lead && p !== trail);
    const units = sentences.map((s) => Math.max(s.units, 1));
    const byWords = segment.words === undefined ? null : placeByWords(sentences, segment.words);
    const { starts, ends, sources } =
      byWords !== null
        ? { ...byWords, sources: sentences.map((): Cue['source'] => 'provider') }
        : segment.pausesMs === undefined
          ? proportional(units, speechStart, speechEnd, [])
          : (bestPauses(units, speechStart, speechEnd, inner) ?? proportional(units, speechStart, speechEnd, inner));
    sentences.forEach((sentence, i) => {
      const cue: Cue = {
        startMs: Math.round(segment.startMs + (starts[i] ?? 0)),
        endMs: Math.round(segment.startMs + (ends[i] ?? 0)),
        text: sentence.text,
        source: sources[i] ?? 'estimated',
        textStart: sentence.start,
        textEnd: sentence.end,
        segment: position,
      };
      if (cue.endMs <= cue.startMs) return;
      if (limits === null) cues.push(cue);
      else cues.push(...splitForReading(cue, limits));
    });
  }
  return cues;
}

interface Placement {
  starts: number[];
  ends: number[];
  sources: Cue['source'][];
}

/**
 * The boundaries on pauses chosen together (dynamic programming over the pauses in order): each
 * sentence's length against its share of the speech (relative error, squared), less a bonus for
 * longer pauses, so a comma's short pause loses to the sentence end beside it. Null when there
 * are fewer pauses than boundaries.
 */
function bestPauses(units: readonly number[], speechStart: number, speechEnd: number, pauses: readonly QuietRun[]): Placement | null {
  const n = units.length;
  const inside = pauses.filter((p) => p.start > speechStart && p.end < speechEnd);
  const m = inside.length;
  if (n === 1) return { starts: [speechStart], ends: [speechEnd], sources: ['aligned'] };
  if (m < n - 1) return null;
  const total = units.reduce((a, b) => a + b, 0);
  const longest = [...inside].map((p) => p.end - p.start).sort((a, b) => b - a);
  const speech = speechEnd - speechStart - longest.slice(0, n - 1).reduce((a, b) => a + b, 0);
  const msPerUnit = Math.max(speech, 1) / total;
  const maxPause = longest[0] ?? 1;
  const sentenceCost = (k: number, from: number, to: number): number => {
    const expected = (units[k] ?? 1) * msPerUnit;
    const ratio = (to - from - expected) / expected;
    return ratio * ratio;
  };
  const bonus = (p: QuietRun): number => 0.5 * ((p.end - p.start) / maxPause);
  // cost[k][j]: sentences 0..k placed, boundary k (after sentence k) on pause j.
  const cost: number[][] = [];
  const from: number[][] = [];
  for (let k = 0; k < n - 1; k += 1) {
    cost.push(new Array<number>(m).fill(Infinity));
    from.push(new Array<number>(m).fill(-1));
    for (let j = k; j < m - (n - 2 - k); j += 1) {
      const pause = inside[j] as QuietRun;
      if (k === 0) {
        (cost[0] as number[])[j] = sentenceCost(0, speechStart, pause.start) - bonus(pause);
        continue;
      }
      for (let i = k - 1; i < j; i += 1) {
        const before = (cost[k - 1] as number[])[i] ?? Infinity;
        if (before === Infinity) continue;
        const c = before + sentenceCost(k, (inside[i] as QuietRun).end, pause.start) - bonus(pause);
        if (c < ((cost[k] as number[])[j] ?? Infinity)) {
          (cost[k] as number[])[j] = c;
          (from[k] as number[])[j] = i;
        }
      }
    }
  }
  let best = -1;
  let bestCost = Infinity;
  for (let j = n - 2; j < m; j += 1) {
    const c = ((cost[n - 2] as number[])[j] ?? Infinity) + sentenceCost(n - 1, (inside[j] as QuietRun).end, speechEnd);
    if (c < bestCost) {
      bestCost = c;
      best = j;
    }
  }
  if (best < 0) return null;
  const chosen: QuietRun[] = [];
  for (let k = n - 2, j = best; k >= 0; k -= 1) {
    chosen.unshift(inside[j] as QuietRun);
    j = (from[k] as number[])[j] ?? -1;
  }
  return {
    starts: [speechStart, ...chosen.map((p) => p.end)],
    ends: [...chosen.map((p) => p.start), speechEnd],
    sources: units.map(() => 'aligned'),
  };
}

/** Boundaries one by one: the pause nearest each sentence's share of what is left, else the share itself (`estimated`). */
function proportional(units: readonly number[], speechStart: number, speechEnd: number, inner: readonly QuietRun[]): Placement {
  let remaining = units.reduce((a, b) => a + b, 0);
  const starts: number[] = [speechStart];
  const ends: number[] = [];
  const sources: Cue['source'][] = [inner.length === 0 ? 'estimated' : 'aligned'];
  let cursor = speechStart;
  for (let i = 0; i + 1 < units.length; i += 1) {
    const expected = cursor + ((speechEnd - cursor) * (units[i] ?? 1)) / remaining;
    const window = Math.max(300, 0.5 * (expected - cursor));
    let best: QuietRun | undefined;
    let bestScore = Infinity;
    for (const pause of inner) {
      if (pause.start <= cursor || pause.end >= speechEnd) continue;
      const mid = (pause.start + pause.end) / 2;
      if (Math.abs(mid - expected) > window) continue;
      const score = Math.abs(mid - expected) - 0.5 * (pause.end - pause.start);
      if (score < bestScore) {
        bestScore = score;
        best = pause;
      }
    }
    if (best === undefined) {
      ends.push(expected);
      starts.push(expected);
      sources.push('estimated');
      cursor = expected;
    } else {
      ends.push(best.start);
      starts.push(best.end);
      sources.push('aligned');
      cursor = best.end;
    }
    remaining -= units[i] ?? 1;
  }
  ends.push(speechEnd);
  return { starts, ends, sources };
}
