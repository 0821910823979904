import { createHash } from 'node:crypto';
import { addSample, EMPTY_STATS, spreadOf, type RunningStats } from './running-stats.ts';

/**
 * A voice's transcript scores (transcript-score.ts similarity, in [0, 1]) over its accepted
 * takes: count, mean and Welford's M2 of the score itself, the shape of the speaking rate's
 * stats. What a recognizer makes of a voice is its own: a weak recognizer on a synthetic voice
 * scores right takes low and scattered, a strong one near 1. So a take is judged against what
 * this voice's right takes score with this recognizer, not against one fixed bar.
 */
export type ScoreStats = RunningStats;

export const EMPTY_SCORES: ScoreStats = EMPTY_STATS;

/** The stats with one more accepted take's score. */
export const addScore: (stats: ScoreStats, score: number) => ScoreStats = addSample;

/** Standard deviation of the scores; 0 below two. */
export const scoreSpread: (stats: ScoreStats) => number = spreadOf;

export interface TranscriptLimits {
  /** Accepted scores of the voice before its own distribution judges (QA_ASR_MIN_SAMPLES). */
  minSamples: number;
  /** Until then, a score under this fails: nothing of the text was heard. */
  coldMinScore: number;
  /** Once learned, a score more than k spreads below the voice's mean fails. */
  k: number;
  /** The least spread assumed: a recognizer that scored every take alike still allows some slack. */
  minSpread: number;
}

/**
 * Chosen on the weakest pair we have, pocketsphinx on espeak-ng (bench/asr-separation.ts): right
 * takes scored 0.45 ± 0.22 (least 0.056), a take of another text 0.01. k = 2 flagged no right take
 * and 83 % of wrong-text takes; k = 1.5 catches 79 % of all wrong takes but re-takes 7.5 % of
 * right ones; a cold bound of 0.05 flagged no right take.
 */
export const DEFAULT_TRANSCRIPT_LIMITS: TranscriptLimits = { minSamples: 20, coldMinScore: 0.05, k: 2, minSpread: 0.05 };

/** The transcript check's outcome, in the shape of take-checks.ts's CheckOutcome. */
export interface TranscriptJudgement {
  passed: boolean;
  /** The take's score, rounded to 4 places. */
  value: number;
  /** The least score that passes. */
  min: number;
}

const round4 = (value: number): number => Math.round(value * 10_000) / 10_000;

/**
 * The outlier test of the transcript check (issue 15 item 2): below `minSamples` accepted scores
 * the score must reach `coldMinScore`; from then on it must be at most `k` spreads (at least
 * `minSpread`) below the voice's mean score, the learned bound replacing the cold one either
 * way (a voice whose right takes score 0.3 on average must not fail them all). Pure.
 */
export function judgeTranscript(
  score: number,
  stats: ScoreStats,
  limits: TranscriptLimits = DEFAULT_TRANSCRIPT_LIMITS,
): TranscriptJudgement {
  const value = round4(score);
  if (stats.count < limits.minSamples) return { passed: value >= limits.coldMinScore, value, min: limits.coldMinScore };
  const learned = stats.mean - limits.k * Math.max(scoreSpread(stats), limits.minSpread);
  const min = round4(Math.min(Math.max(learned, 0), 1));
  return { passed: value >= min, value, min };
}

/**
 * Where a voice's scores live: per provider, model and voice, and per recognizer (a hash of the
 * QA_ASR_COMMAND), as a new recognizer's scores are another distribution.
 */
export function transcriptKeyOf(parts: { provider: string; voice: string; model?: string | undefined; command: string }): string {
  const recognizer = createHash('sha256').update(parts.command).digest('hex').slice(0, 12);
  return [parts.provider, parts.model ?? '-', parts.voice, recognizer].map(encodeURIComponent).join(':');
}
