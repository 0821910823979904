import type { Redis } from 'ioredis';
import type { RateStats } from '../verify/speaking-rate.ts';

/**
 * The deployment's learned speaking rates (issue 15 item 1), one hash per voice and script:
 * `count`, `sum` and `squares` of ln(ms of speech per unit) over its accepted takes. Kept as sums,
 * not a running mean, so concurrent workers each add a take with HINCRBY / HINCRBYFLOAT and no
 * read-modify-write race loses one. Never expires: a deployment's voices keep their rates.
 */
function rateKey(prefix: string, key: string): string {
  return `${prefix}:speaking-rate:${key}`;
}

export async function readSpeakingRate(redis: Redis, prefix: string, key: string): Promise<RateStats> {
  const [count, sum, squares] = await redis.hmget(rateKey(prefix, key), 'count', 'sum', 'squares');
  const n = Number(count ?? 0);
  if (!(n > 0)) return { count: 0, mean: 0, m2: 0 };
  const s = Number(sum ?? 0);
  const mean = s / n;
  // Σx² − (Σx)²/n, never below 0 where rounding would take it there.
  return { count: n, mean, m2: Math.max(0, Number(squares ?? 0) - s * mean) };
}

export async function learnSpeakingRate(redis: Redis, prefix: string, key: string, msPerUnit: number): Promise<void> {
  if (!(msPerUnit > 0) || !Number.isFinite(msPerUnit)) return;
  const x = Math.log(msPerUnit);
  const at = rateKey(prefix, key);
  await redis
    .multi()
    .hincrby(at, 'count', 1)
    .hincrbyfloat(at, 'sum', x)
    .hincrbyfloat(at, 'squares', x * x)
    .exec();
}
