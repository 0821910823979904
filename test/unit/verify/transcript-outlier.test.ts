import { describe, expect, it } from 'vitest';
import {
  addScore,
  DEFAULT_TRANSCRIPT_LIMITS,
  EMPTY_SCORES,
  judgeTranscript,
  scoreSpread,
  transcriptKeyOf,
  type ScoreStats,
} from '../../../src/verify/transcript-outlier.ts';

const learn = (scores: readonly number[]): ScoreStats => scores.reduce(addScore, EMPTY_SCORES);

describe('transcript score stats', () => {
  it('keeps the mean and spread of the scores (Welford)', () => {
    const stats = learn([0.2, 0.4, 0.6]);
    expect(stats.count).toBe(3);
    expect(stats.mean).toBeCloseTo(0.4, 12);
    expect(scoreSpread(stats)).toBeCloseTo(0.2, 12);
    expect(scoreSpread(learn([0.5]))).toBe(0);
  });
});

describe('judgeTranscript', () => {
  const limits = { minSamples: 5, coldMinScore: 0.05, k: 2, minSpread: 0.05 };

  it('holds a score to the cold floor until the voice has enough accepted scores', () => {
    const few = learn([0.9, 0.9, 0.9, 0.9]);
    expect(judgeTranscript(0.06, few, limits)).toEqual({ passed: true, value: 0.06, min: 0.05 });
    expect(judgeTranscript(0.01, few, limits)).toEqual({ passed: false, value: 0.01, min: 0.05 });
  });

  it('then fails a score more than k spreads below the voice mean', () => {
    // A weak recognizer: right takes score about 0.45 ± 0.2, a wrong text about 0.
    const weak = learn([0.2, 0.35, 0.45, 0.55, 0.7, 0.45]);
    const verdict = judgeTranscript(0.01, weak, limits);
    expect(verdict.passed).toBe(false);
    expect(verdict.min).toBeCloseTo(0.45 - 2 * scoreSpread(weak), 4);
    expect(judgeTranscript(0.2, weak, limits).passed).toBe(true);
  });

  it('floors the spread, so a recognizer that scored every take 1 still allows a word wrong', () => {
    const perfect = learn([1, 1, 1, 1, 1, 1]);
    expect(judgeTranscript(0.92, perfect, limits)).toEqual({ passed: true, value: 0.92, min: 0.9 });
    expect(judgeTranscript(0.5, perfect, limits).passed).toBe(false);
  });

  it('lets the learned bound replace the cold floor, and keeps it within [0, 1]', () => {
    const scattered = learn([0.05, 0.9, 0.1, 0.95, 0.1, 0.9]);
    expect(judgeTranscript(0.01, scattered, limits)).toEqual({ passed: true, value: 0.01, min: 0 });
  });

  it('waits for 20 scores by default', () => {
    expect(DEFAULT_TRANSCRIPT_LIMITS.minSamples).toBe(20);
    expect(judgeTranscript(0.3, learn(Array.from({ length: 19 }, () => 0.95))).min).toBe(DEFAULT_TRANSCRIPT_LIMITS.coldMinScore);
  });
});

describe('transcriptKeyOf', () => {
  it('keeps each voice and each recognizer apart', () => {
    const key = transcriptKeyOf({ provider: 'espeak', voice: 'en-us', command: 'scripts/asr/pocketsphinx-words' });
    expect(key).toMatch(/^espeak:-:en-us:[0-9a-f]{12}$/u);
    expect(transcriptKeyOf({ provider: 'espeak', voice: 'en-us', command: 'other-asr' })).not.toBe(key);
    expect(transcriptKeyOf({ provider: 'espeak', voice: 'en-gb', command: 'scripts/asr/pocketsphinx-words' })).not.toBe(key);
  });
});
