import type { Manifest } from '../../src/render/manifest.ts';

/** One simulator answer in tone `sentences`: its sentences and where each starts, ms into that answer's audio. */
export interface KnownAnswer {
  sentenceTexts: readonly string[];
  sentenceStartsMs: readonly number[];
}

export interface CueStartFigures {
  /** |derived start − true start| of every manifest sentence that has a truth, ms. */
  errors: number[];
  median: number;
  p95: number;
  max: number;
  /** Manifest sentences placed by their share of the text, not by the audio or the provider. */
  estimated: number;
  /** Manifest sentences (`segment:text`) no answer has a start for. */
  unmatched: string[];
  /** Manifest segments no answer was found for (by its first sentence). */
  segmentsWithoutAnswer: number[];
  /** Sentences the matched answers hold, in all. */
  truthCount: number;
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/**
 * The derived sentence starts of a render against the simulator's truth: each segment is matched
 * to the answer whose first sentence is the segment's first (sentences carry their number, so
 * this is unique), and each answer start moved to book time (the segment's start plus the start
 * in its answer).
 */
export function compareCueStarts(manifest: Manifest, answers: readonly KnownAnswer[]): CueStartFigures {
  const sentences = manifest.sentences ?? [];
  const truth = new Map<string, number>();
  const segmentsWithoutAnswer: number[] = [];
  for (const [index, segment] of manifest.segments.entries()) {
    const first = sentences.find((s) => s.segment === index);
    const answer = answers.find((a) => a.sentenceStartsMs.length > 0 && a.sentenceTexts[0] === first?.text);
    if (answer === undefined) {
      segmentsWithoutAnswer.push(index);
      continue;
    }
    answer.sentenceTexts.forEach((text, i) => truth.set(`${index}:${text}`, segment.startMs + (answer.sentenceStartsMs[i] ?? Number.NaN)));
  }
  const errors: number[] = [];
  const unmatched: string[] = [];
  for (const s of sentences) {
    const expected = truth.get(`${s.segment}:${s.text}`);
    if (expected === undefined) unmatched.push(`${s.segment}:${s.text}`);
    else errors.push(Math.abs(s.startMs - expected));
  }
  return {
    errors,
    median: quantile(errors, 0.5),
    p95: quantile(errors, 0.95),
    max: Math.max(...errors),
    estimated: sentences.filter((s) => s.source === 'estimated').length,
    unmatched,
    segmentsWithoutAnswer,
    truthCount: truth.size,
  };
}
