import type { Redis } from 'ioredis';
import { statsFromSums, type RunningStats } from '../verify/running-stats.ts';

/**
 * Learned stats of a deployment (speaking rates, transcript scores) as one Redis hash each:
 * `count`, `sum` and `squares` of the samples. Kept as sums, not a running mean, so concurrent
 * workers each add a sample with HINCRBY / HINCRBYFLOAT and no read-modify-write race loses one.
 * Never expires: a deployment's voices keep what was learned of them.
 */
export async function readStatsHash(redis: Redis, key: string): Promise<RunningStats> {
  const [count, sum, squares] = await redis.hmget(key, 'count', 'sum', 'squares');
  return statsFromSums(Number(count ?? 0), Number(sum ?? 0), Number(squares ?? 0));
}

export async function addToStatsHash(redis: Redis, key: string, x: number): Promise<void> {
  await redis
    .multi()
    .hincrby(key, 'count', 1)
    .hincrbyfloat(key, 'sum', x)
    .hincrbyfloat(key, 'squares', x * x)
    .exec();
}
