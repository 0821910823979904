import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * BullMQ loses jobs when Redis evicts keys, and a Redis without AOF loses every job since its
 * last snapshot when it restarts. Managed Redis may forbid CONFIG; then we cannot tell, and
 * say so once instead of failing.
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
  try {
    const reply = await redis.config('GET', 'appendonly');
    if (reply[1] === 'no') {
      logger.warn(
        { appendonly: 'no' },
        'Redis runs without AOF (appendonly no): a Redis restart loses the jobs written since its last snapshot; run it with --appendonly yes in production',
      );
    }
  } catch {
    logger.info('could not read Redis appendonly (CONFIG not allowed); make sure AOF is on in production');
  }
}
