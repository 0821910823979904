import type { Redis } from 'ioredis';
import { z } from 'zod';
import { settleRenderBudget } from './daily-budget.ts';
import { CREATE_RECORD } from './create-record-script.ts';
import { LuaScript } from './lua-script.ts';
import { IDEMPOTENCY_KEEP_MS, idempotencyRedisKey, renderKeys } from './render-keys.ts';
import { legacyOutline, renderOutlineSchema, type RenderOutline } from './render-outline.ts';
import { DEFAULT_RENDER_RETENTION_DAYS, EXPIRE_ENDED_LUA, retentionSeconds } from './render-retention.ts';
import { renderSpecSchema, RENDER_STATUSES, TERMINAL_STATUSES, type RenderSpec, type RenderStatus } from './render-record.ts';

export const renderResultSchema = z.object({
  location: z.string(),
  manifest: z.string(),
  durationMs: z.number(),
  bytes: z.number(),
  billedCharacters: z.number(),
  /** Segments no take of which passed its checks (docs/verify.md); absent when none. */
  flagged: z.number().int().positive().optional(),
});
export type RenderResult = z.infer<typeof renderResultSchema>;

export interface RenderState {
  spec: RenderSpec;
  status: RenderStatus;
  error?: string;
  startedAt?: string;
  finishedAt?: string;
  result?: RenderResult;
  segmentsDone: number;
  cachedSegments: number;
  charsDone: number;
}

/** What subscribers of the events channel receive. */
export interface RenderEvent {
  id: string;
  status?: RenderStatus;
  segment?: number;
  /** With `segment`: it came from the cache (so followers count cached segments from the message). */
  cached?: boolean;
  /** With `segment`: its characters (so followers count charsDone from the message). */
  chars?: number;
}

/**
 * Moves a render to a new status unless it already ended; returns 1 if moved, 0 if it had
 * ended (the status it ended with stays), -1 if there is no such render. Atomic, so a late
 * failure can never overwrite a cancel or a completion.
 */
const TRANSITION = `${EXPIRE_ENDED_LUA}
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return -1 end
if current == 'completed' or current == 'failed' or current == 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
if ARGV[1] ~= '' then expireEnded(tonumber(ARGV[1])) end
return 1`;

/**
 * Counts a segment done once, however often it is reported: its characters are added to the
 * record's charsDone only when SADD added it. Nothing is written for a record that is gone.
 * The segment's event is published in the same step, so a segment costs one round trip here.
 * KEYS: record, done, cached; ARGV: index, chars, cached (1/0), events channel, event, units billed.
 */
const SEGMENT_DONE = new LuaScript(`
local function count()
  local status = redis.call('HGET', KEYS[1], 'status')
  if not status then return 0 end
  -- An ended render counts nothing more: sets created now would outlive its expiring record.
  if status == 'completed' or status == 'failed' or status == 'cancelled' then return 0 end
  -- A record from before charsDone was counted has no such field; get() sums its segments instead.
  if redis.call('SADD', KEYS[2], ARGV[1]) == 1 and redis.call('HEXISTS', KEYS[1], 'charsDone') == 1 then
    redis.call('HINCRBY', KEYS[1], 'charsDone', ARGV[2])
  end
  if ARGV[3] == '1' then redis.call('SADD', KEYS[3], ARGV[1]) end
  return 1
end
-- Billed whether or not the segment was counted before (a second call of a stalled job was paid
-- for too), and even after the render ended: what a provider billed is spent. Settled against
-- the render's budget at its end, and again by the caller for a report after it (daily-budget.ts).
if tonumber(ARGV[6]) > 0 and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'billedUnits', ARGV[6]) end
local counted = count()
redis.call('PUBLISH', ARGV[4], ARGV[5])
return counted`);

/**
 * A segment job starting: hasEnded and markRunning in one step. Returns 0 when the render has
 * ended (nothing is written), else 1; the first segment of a render sets startedAt and moves it
 * to running, publishing that event. A record that is gone is not created again.
 * KEYS: record; ARGV: startedAt, events channel, the running event.
 */
const SEGMENT_START = new LuaScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'completed' or status == 'failed' or status == 'cancelled' then return 0 end
if status and redis.call('HSETNX', KEYS[1], 'startedAt', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'status', 'running')
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
return 1`);

/** A render's own state in Redis, next to its BullMQ flow. */
export class RenderStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #retentionS: number;

  /** `retentionDays`: how long an ended render's record lives (RENDER_RETENTION_DAYS). */
  constructor(redis: Redis, prefix: string, options: { retentionDays?: number } = {}) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#retentionS = retentionSeconds(options.retentionDays ?? DEFAULT_RENDER_RETENTION_DAYS);
  }

  /** Settles an ended render's budget booking against what it billed (daily-budget.ts). */
  settleBudget(id: string): Promise<void> {
    return settleRenderBudget(this.#redis, this.#prefix, id);
  }

  /**
   * Creates the record and its outline in one atomic step; false when the id is taken (an id is
   * never silently reused). With `enqueueBy` (epoch ms) the render is also listed as enqueuing
   * until finishEnqueue, so a crash before its flow exists is reconciled (enqueue-ledger.ts).
   */
  async create(
    spec: RenderSpec,
    options: { webhookSecret?: string | undefined; enqueueBy?: number | undefined; idempotencyKey?: string | undefined } = {},
    outline?: RenderOutline,
  ): Promise<boolean> {
    const keys = renderKeys(this.#prefix, spec.id);
    // charsDone starts at 0: a record without it was written before it was counted (see get).
    const fields: Record<string, string> = { spec: JSON.stringify(spec), status: 'queued', charsDone: '0' };
    // Its booking is settled against billedUnits, counted from the start (daily-budget.ts).
    if (spec.budget !== undefined) fields.budgetTracked = '1';
    if (options.webhookSecret) fields.webhookSecret = options.webhookSecret;
    if (options.enqueueBy !== undefined) fields.enqueueBy = String(options.enqueueBy);
    if (options.idempotencyKey !== undefined) fields.idempotencyKey = idempotencyRedisKey(this.#prefix, options.idempotencyKey);
    const args = [
      spec.id,
      Date.parse(spec.createdAt),
      options.enqueueBy ?? '',
      outline ? JSON.stringify(outline) : '',
      ...Object.entries(fields).flat(),
    ];
    return Number(await this.#redis.eval(CREATE_RECORD, 4, keys.record, keys.index, keys.enqueuing, keys.outline, ...args)) === 1;
  }

  /** Undoes create() when the flow could not be enqueued, so nothing half-made remains. */
  async remove(id: string): Promise<void> {
    const keys = renderKeys(this.#prefix, id);
    await this.#redis.multi().del(keys.record, keys.outline, keys.done, keys.cached).zrem(keys.index, id).zrem(keys.enqueuing, id).exec();
  }

  async get(id: string): Promise<RenderState | null> {
    const keys = renderKeys(this.#prefix, id);
    const [record, done, cached] = await Promise.all([
      this.#redis.hgetall(keys.record),
      this.#redis.scard(keys.done),
      this.#redis.scard(keys.cached),
    ]);
    if (!record.spec) {
      // Expired (RENDER_RETENTION_DAYS) or never there: either way it leaves the index.
      await this.#redis.zrem(keys.index, id);
      return null;
    }
    const spec = renderSpecSchema.parse(JSON.parse(record.spec));
    const status = z.enum(RENDER_STATUSES).catch('queued').parse(record.status);
    const charsDone = record.charsDone === undefined ? await this.#legacyCharsDone(record.spec, keys.done) : Number(record.charsDone);
    const state: RenderState = { spec, status, segmentsDone: done, cachedSegments: cached, charsDone };
    if (record.error) state.error = record.error;
    if (record.startedAt) state.startedAt = record.startedAt;
    if (record.finishedAt) state.finishedAt = record.finishedAt;
    if (record.result) state.result = renderResultSchema.parse(JSON.parse(record.result));
    return state;
  }

  /** Most recent renders first, optionally only those in one status. */
  async list(options: { status?: RenderStatus; limit?: number } = {}): Promise<RenderState[]> {
    const limit = options.limit ?? 50;
    const found: RenderState[] = [];
    const page = Math.max(limit, 50);
    for (let start = 0; found.length < limit; start += page) {
      const ids = await this.#redis.zrevrange(renderKeys(this.#prefix, '').index, start, start + page - 1);
      if (ids.length === 0) break;
      for (const state of await Promise.all(ids.map((id) => this.get(id)))) {
        if (state && (!options.status || state.status === options.status)) found.push(state);
        if (found.length === limit) break;
      }
    }
    return found;
  }

  /** Every render id in the index, oldest first (ids of expired records included until read). */
  async allIds(): Promise<string[]> {
    return this.#redis.zrange(renderKeys(this.#prefix, '').index, '0', '-1');
  }

  /** The secret a render's webhook events are signed with; never part of the spec or status. */
  async webhookSecret(id: string): Promise<string | null> {
    return this.#redis.hget(renderKeys(this.#prefix, id).record, 'webhookSecret');
  }

  /** The render's chapter and segment lists (large: for the stitch and manifest only); null if unknown. */
  async outline(id: string): Promise<RenderOutline | null> {
    const keys = renderKeys(this.#prefix, id);
    const stored = await this.#redis.get(keys.outline);
    if (stored !== null) return renderOutlineSchema.parse(JSON.parse(stored));
    const spec = await this.#redis.hget(keys.record, 'spec');
    return spec === null ? null : legacyOutline(spec);
  }

  /**
   * Counts a segment and its `chars` once, however often an at-least-once delivery reports it;
   * `billed`, what the provider billed for this report (0 when cached), is summed on the record
   * every time (billedUnits), even once the render has ended ('ended' is then returned).
   */
  async markSegmentDone(id: string, index: number, cached: boolean, chars: number, billed = 0): Promise<'counted' | 'ended'> {
    const keys = renderKeys(this.#prefix, id);
    const event: RenderEvent = { id, segment: index, cached, chars };
    const counted = await SEGMENT_DONE.run(
      this.#redis,
      [keys.record, keys.done, keys.cached],
      [String(index), String(chars), cached ? '1' : '0', keys.events, JSON.stringify(event), String(Math.max(0, Math.round(billed)))],
    );
    // 0: the render had ended (or is gone): nothing more was counted, but billing was.
    return Number(counted) === 1 ? 'counted' : 'ended';
  }

  /**
   * What a segment job asks first, in one round trip: 'ended' when the render is over (a segment
   * of a cancelled or failed render is never paid for), else 'started', the render moved to
   * running by its first segment (hasEnded then markRunning, as one atomic step).
   */
  async startSegment(id: string): Promise<'ended' | 'started'> {
    const keys = renderKeys(this.#prefix, id);
    const running: RenderEvent = { id, status: 'running' };
    const started = await SEGMENT_START.run(this.#redis, [keys.record], [new Date().toISOString(), keys.events, JSON.stringify(running)]);
    return Number(started) === 0 ? 'ended' : 'started';
  }

  /** Moves to `running` the first time a segment starts; never moves a render backwards. */
  async markRunning(id: string): Promise<void> {
    const keys = renderKeys(this.#prefix, id);
    const set = await this.#redis.hsetnx(keys.record, 'startedAt', new Date().toISOString());
    if (set === 1) await this.#transition(id, 'running', {});
  }

  async markStitching(id: string): Promise<void> {
    await this.#transition(id, 'stitching', {});
  }

  async markCompleted(id: string, result: RenderResult): Promise<boolean> {
    return (await this.#transition(id, 'completed', { result: JSON.stringify(result), finishedAt: new Date().toISOString() })) === 1;
  }

  async markFailed(id: string, error: string): Promise<boolean> {
    return (await this.#transition(id, 'failed', { error, finishedAt: new Date().toISOString() })) === 1;
  }

  /**
   * Cancels a render that has not ended. Returns the status it has afterwards ('cancelled', or
   * the status it had already ended with), or null for an unknown id.
   */
  async cancel(id: string): Promise<RenderStatus | null> {
    const moved = await this.#transition(id, 'cancelled', { finishedAt: new Date().toISOString() });
    if (moved === -1) return null;
    if (moved === 1) return 'cancelled';
    return (await this.get(id))?.status ?? null;
  }

  /** Is this render over (completed, failed or cancelled)? Workers ask before spending money. */
  async hasEnded(id: string): Promise<boolean> {
    const status = await this.#redis.hget(renderKeys(this.#prefix, id).record, 'status');
    return status !== null && TERMINAL_STATUSES.has(status as RenderStatus);
  }

  /**
   * Claims an Idempotency-Key for a render id, for `ttlMs` (the API claims for seconds, and
   * finishEnqueue keeps it a day once the flow exists). Returns null when this call claimed it,
   * or the id of the render that already holds it.
   */
  async claimIdempotencyKey(key: string, id: string, ttlMs: number = IDEMPOTENCY_KEEP_MS): Promise<string | null> {
    const redisKey = idempotencyRedisKey(this.#prefix, key);
    const claimed = await this.#redis.set(redisKey, id, 'PX', ttlMs, 'NX');
    return claimed === 'OK' ? null : await this.#redis.get(redisKey);
  }

  /** Releases a claim whose render could not be enqueued. */
  async releaseIdempotencyKey(key: string, id: string): Promise<void> {
    const redisKey = idempotencyRedisKey(this.#prefix, key);
    if ((await this.#redis.get(redisKey)) === id) await this.#redis.del(redisKey);
  }

  /** A record from before charsDone was counted: sums its done segments from the lists in its spec. */
  async #legacyCharsDone(specJson: string, doneKey: string): Promise<number> {
    const outline = legacyOutline(specJson);
    if (!outline) return 0;
    let charsDone = 0;
    for (const member of await this.#redis.smembers(doneKey)) charsDone += outline.segments[Number(member)]?.chars ?? 0;
    return charsDone;
  }

  async #transition(id: string, status: RenderStatus, fields: Record<string, string>): Promise<number> {
    const keys = renderKeys(this.#prefix, id);
    const ttl = TERMINAL_STATUSES.has(status) ? String(this.#retentionS) : '';
    const args = [ttl, ...Object.entries({ status, ...fields }).flat()];
    const moved = Number(await this.#redis.eval(TRANSITION, 4, keys.record, keys.outline, keys.done, keys.cached, ...args));
    if (moved === 1) await this.#publish({ id, status });
    return moved;
  }

  async #publish(event: RenderEvent): Promise<void> {
    await this.#redis.publish(renderKeys(this.#prefix, event.id).events, JSON.stringify(event));
  }
}
