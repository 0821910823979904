import type { Redis } from 'ioredis';
import { IDEMPOTENCY_KEEP_MS, renderKeys } from './render-keys.ts';
import { EXPIRE_ENDED_LUA } from './render-retention.ts';

/**
 * An enqueue is three writes that cannot share one transaction (BullMQ adds a flow in a MULTI of
 * its own): the Idempotency-Key claim, the render record, the flow. The record's entry in the
 * enqueuing set (written with the record, scored by its deadline) says "the flow may not exist
 * yet". Exactly one of two scripts takes it out again, whichever runs first:
 * - FINISH, after the flow was added (by the enqueuer, or by the reconciler when the enqueuer
 *   died after adding it): the Idempotency-Key claim, held for seconds so far, is kept a day;
 * - EXPIRE, by the reconciler when the deadline passed and there is no flow: the render fails
 *   (if still `queued`) and its Idempotency-Key is released, so a retry starts anew.
 * An enqueuer whose FINISH finds the render expired lost the race and takes its flow back.
 */

/** KEYS: enqueuing, record, claim (or the record again). ARGV: id, keep ms, '1' when KEYS[3] is a claim. */
const FINISH = `
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('HGET', KEYS[2], 'enqueueExpired') then return 0 end
if ARGV[3] == '1' and redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('PEXPIRE', KEYS[3], ARGV[2]) end
return 1`;

/**
 * KEYS: record, outline, done, cached, enqueuing, claim (or the record again). ARGV: id, error,
 * finishedAt, '1' when KEYS[6] is a claim, retention seconds. 1: failed now; 0: settled by
 * someone else; -1: not queued. The render ends like any other: it expires after
 * RENDER_RETENTION_DAYS, in the same step.
 */
const EXPIRE = `${EXPIRE_ENDED_LUA}
if redis.call('ZREM', KEYS[5], ARGV[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return -1 end
redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[2], 'finishedAt', ARGV[3], 'enqueueExpired', '1')
if ARGV[4] == '1' and redis.call('GET', KEYS[6]) == ARGV[1] then redis.call('DEL', KEYS[6]) end
expireEnded(tonumber(ARGV[5]))
return 1`;

async function scriptKeys(redis: Redis, prefix: string, id: string): Promise<{ keys: [string, string, string]; hasClaim: '1' | '0' }> {
  const keys = renderKeys(prefix, id);
  const claim = await redis.hget(keys.record, 'idempotencyKey');
  return { keys: [keys.enqueuing, keys.record, claim ?? keys.record], hasClaim: claim === null ? '0' : '1' };
}

/** Marks the enqueue done (its flow exists). False when the reconciler had already expired it. */
export async function finishEnqueue(redis: Redis, prefix: string, id: string): Promise<boolean> {
  const { keys, hasClaim } = await scriptKeys(redis, prefix, id);
  return Number(await redis.eval(FINISH, 3, ...keys, id, IDEMPOTENCY_KEEP_MS, hasClaim)) === 1;
}

/** Fails a render whose enqueue never finished, to expire after `retentionS`. True when this call failed it. */
export async function expireEnqueue(redis: Redis, prefix: string, id: string, error: string, retentionS: number): Promise<boolean> {
  const { keys, hasClaim } = await scriptKeys(redis, prefix, id);
  const [enqueuing, record, claim] = keys;
  const render = renderKeys(prefix, id);
  return (
    Number(
      await redis.eval(
        EXPIRE,
        6,
        record,
        render.outline,
        render.done,
        render.cached,
        enqueuing,
        claim,
        id,
        error,
        new Date().toISOString(),
        hasClaim,
        retentionS,
      ),
    ) === 1
  );
}

/** Ids whose enqueue deadline has passed, oldest first (at most `limit`). */
export function overdueEnqueues(redis: Redis, prefix: string, now: number, limit: number): Promise<string[]> {
  return redis.zrangebyscore(renderKeys(prefix, '').enqueuing, '-inf', now, 'LIMIT', 0, limit);
}
