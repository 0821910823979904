import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * BullMQ loses jobs when Redis evicts keys. Managed Redis may forbid CONFIG; then we cannot
 * tell, and say so once instead of failing.
 */
export async function warnOnUnsafeRedis(redis: Redis, logger: Logger): Promise<void> {
  try {
    const reply = await redis.config('GET', 'maxmemory-policy');
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      logger.warn({ policy }, `Redis maxmemory-policy is "${policy}": Redis may evict queued jobs; set it to "noeviction"`);
    }
  } catch {
    logger.info('could not read Redis maxmemory-policy (CONFIG not allowed); make sure it is "noeviction"');
  }
}
