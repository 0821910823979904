import type { Redis } from 'ioredis';
import type { ScoreStats } from '../verify/transcript-outlier.ts';

/**
 * The deployment's learned transcript scores (issue 15 item 2), one hash per voice and
 * recognizer (transcriptKeyOf): `count`, `sum` and `squares` of the scores of its accepted takes.
 * Kept as sums, like speaking-rates.ts, so concurrent workers each add a take with HINCRBY /
 * HINCRBYFLOAT and no read-modify-write race loses one. Never expires.
 */
function scoreKey(prefix: string, key: string): string {
  return `${prefix}:transcript-score:${key}`;
}

export async function readTranscriptScores(redis: Redis, prefix: string, key: string): Promise<ScoreStats> {
  const [count, sum, squares] = await redis.hmget(scoreKey(prefix, key), 'count', 'sum', 'squares');
  const n = Number(count ?? 0);
  if (!(n > 0)) return { count: 0, mean: 0, m2: 0 };
  const s = Number(sum ?? 0);
  const mean = s / n;
  // Σx² − (Σx)²/n, never below 0 where rounding would take it there.
  return { count: n, mean, m2: Math.max(0, Number(squares ?? 0) - s * mean) };
}

export async function learnTranscriptScore(redis: Redis, prefix: string, key: string, score: number): Promise<void> {
  if (!Number.isFinite(score) || score < 0 || score > 1) return;
  const at = scoreKey(prefix, key);
  await redis
    .multi()
    .hincrby(at, 'count', 1)
    .hincrbyfloat(at, 'sum', score)
    .hincrbyfloat(at, 'squares', score * score)
    .exec();
}
