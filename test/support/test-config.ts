import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { loadConfig, type AppConfig } from '../../src/runtime/app-config.ts';

/** A queue prefix no other test uses; everything a test puts in Redis lives under it. */
export function uniquePrefix(label: string): string {
  return `ttsbtest-${label}-${randomBytes(4).toString('hex')}`;
}

/** Config for a test: the Redis chosen by the global setup, a private prefix, quick retries. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: uniquePrefix('t'),
    LOG_LEVEL: 'silent',
    RETRY_BACKOFF_MS: '50',
    RATE_LIMIT_WAIT_MS: '100',
    ...overrides,
  });
}

/** Deletes every key under the prefix (tests clean up after themselves). */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export async function countKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  } finally {
    redis.disconnect();
  }
}
