import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { idempotencyKey, renderKeys } from './render-keys.ts';
import { renderSpecSchema, RENDER_STATUSES, TERMINAL_STATUSES, type RenderSpec, type RenderStatus } from './render-record.ts';

export const renderResultSchema = z.object({
  location: z.string(),
  manifest: z.string(),
  durationMs: z.number(),
  bytes: z.number(),
  billedCharacters: z.number(),
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
}

/**
 * Moves a render to a new status unless it already ended; returns 1 if moved, 0 if it had
 * ended (the status it ended with stays), -1 if there is no such render. Atomic, so a late
 * failure can never overwrite a cancel or a completion.
 */
const TRANSITION = `
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return -1 end
if current == 'completed' or current == 'failed' or current == 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;

const IDEMPOTENCY_TTL_S = 24 * 3600;

/** A render's own state in Redis, next to its BullMQ flow. */
export class RenderStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  /** Creates the record; false when the id is taken (an id is never silently reused). */
  async create(spec: RenderSpec, secrets: { webhookSecret?: string | undefined } = {}): Promise<boolean> {
    const keys = renderKeys(this.#prefix, spec.id);
    const created = await this.#redis.hsetnx(keys.record, 'spec', JSON.stringify(spec));
    if (created === 0) return false;
    const fields: Record<string, string> = { status: 'queued' };
    if (secrets.webhookSecret) fields.webhookSecret = secrets.webhookSecret;
    await this.#redis.multi().hset(keys.record, fields).zadd(keys.index, Date.parse(spec.createdAt), spec.id).exec();
    return true;
  }

  /** Undoes create() when the flow could not be enqueued, so nothing half-made remains. */
  async remove(id: string): Promise<void> {
    const keys = renderKeys(this.#prefix, id);
    await this.#redis.multi().del(keys.record, keys.done, keys.cached).zrem(keys.index, id).exec();
  }

  async get(id: string): Promise<RenderState | null> {
    const keys = renderKeys(this.#prefix, id);
    const [record, done, cached] = await Promise.all([
      this.#redis.hgetall(keys.record),
      this.#redis.smembers(keys.done),
      this.#redis.scard(keys.cached),
    ]);
    if (!record.spec) return null;
    const spec = renderSpecSchema.parse(JSON.parse(record.spec));
    const status = z.enum(RENDER_STATUSES).catch('queued').parse(record.status);
    let charsDone = 0;
    for (const member of done) charsDone += spec.segments[Number(member)]?.chars ?? 0;
    const state: RenderState = { spec, status, segmentsDone: done.length, cachedSegments: cached, charsDone };
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

  /** The secret a render's webhook events are signed with; never part of the spec or status. */
  async webhookSecret(id: string): Promise<string | null> {
    return this.#redis.hget(renderKeys(this.#prefix, id).record, 'webhookSecret');
  }

  /** Counts a segment once, however often an at-least-once delivery reports it. */
  async markSegmentDone(id: string, index: number, cached: boolean): Promise<void> {
    const keys = renderKeys(this.#prefix, id);
    const multi = this.#redis.multi().sadd(keys.done, String(index));
    if (cached) multi.sadd(keys.cached, String(index));
    await multi.exec();
    await this.#publish({ id, segment: index, cached });
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
   * Claims an Idempotency-Key for a render id. Returns null when this call claimed it, or the
   * id of the render that already holds it.
   */
  async claimIdempotencyKey(key: string, id: string): Promise<string | null> {
    const redisKey = idempotencyKey(this.#prefix, createHash('sha256').update(key).digest('hex'));
    const claimed = await this.#redis.set(redisKey, id, 'EX', IDEMPOTENCY_TTL_S, 'NX');
    return claimed === 'OK' ? null : await this.#redis.get(redisKey);
  }

  /** Releases a claim whose render could not be enqueued. */
  async releaseIdempotencyKey(key: string, id: string): Promise<void> {
    const redisKey = idempotencyKey(this.#prefix, createHash('sha256').update(key).digest('hex'));
    if ((await this.#redis.get(redisKey)) === id) await this.#redis.del(redisKey);
  }

  async #transition(id: string, status: RenderStatus, fields: Record<string, string>): Promise<number> {
    const keys = renderKeys(this.#prefix, id);
    const args = Object.entries({ status, ...fields }).flat();
    const moved = Number(await this.#redis.eval(TRANSITION, 1, keys.record, ...args));
    if (moved === 1) await this.#publish({ id, status });
    return moved;
  }

  async #publish(event: RenderEvent): Promise<void> {
    await this.#redis.publish(renderKeys(this.#prefix, event.id).events, JSON.stringify(event));
  }
}
