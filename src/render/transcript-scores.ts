import type { Redis } from 'ioredis';
import type { ScoreStats } from '../verify/transcript-outlier.ts';
import { addToStatsHash, readStatsHash } from './stats-hash.ts';

/** The deployment's learned transcript scores (issue 15 item 2): accepted takes' scores, per voice and recognizer (transcriptKeyOf). */
function scoreKey(prefix: string, key: string): string {
  return `${prefix}:transcript-score:${key}`;
}

export function readTranscriptScores(redis: Redis, prefix: string, key: string): Promise<ScoreStats> {
  return readStatsHash(redis, scoreKey(prefix, key));
}

export async function learnTranscriptScore(redis: Redis, prefix: string, key: string, score: number): Promise<void> {
  if (!Number.isFinite(score) || score < 0 || score > 1) return;
  await addToStatsHash(redis, scoreKey(prefix, key), score);
}
