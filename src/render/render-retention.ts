import type { Redis } from 'ioredis';
import type { renderKeys } from './render-keys.ts';

/** RENDER_RETENTION_DAYS' default: an ended render's record stays readable this long. */
export const DEFAULT_RENDER_RETENTION_DAYS = 30;

export function retentionSeconds(days: number): number {
  return Math.max(1, Math.round(days * 24 * 3600));
}

/**
 * Gives an ended render's keys (record, outline, done and cached sets) a time to live, so records do not
 * pile up in Redis forever. Its id stays in the index sorted set until a read finds the record
 * gone (RenderStore.get removes it then).
 */
export async function expireEndedRender(redis: Redis, keys: ReturnType<typeof renderKeys>, seconds: number): Promise<void> {
  await redis.multi().expire(keys.record, seconds).expire(keys.outline, seconds).expire(keys.done, seconds).expire(keys.cached, seconds).exec();
}
