import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** A queue prefix of its own for one benchmark run; everything it puts in Redis lives under it. */
export function benchPrefix(label: string): string {
  return `ttsbbench-${label}-${randomBytes(4).toString('hex')}`;
}

async function scanPrefix(redis: Redis, prefix: string, each: (keys: string[]) => Promise<void>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await each(keys);
  } while (cursor !== '0');
}

/** Deletes every key under `prefix` and returns how many keys remain (0 unless something still writes). */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    await scanPrefix(redis, prefix, async (keys) => {
      await redis.unlink(...keys);
    });
    let left = 0;
    await scanPrefix(redis, prefix, (keys) => {
      left += keys.length;
      return Promise.resolve();
    });
    return left;
  } finally {
    redis.disconnect();
  }
}
