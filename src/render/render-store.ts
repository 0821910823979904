import type { Redis } from 'ioredis';
import { z } from 'zod';
import { renderKeys } from './render-keys.ts';
import { renderSpecSchema, RENDER_STATUSES, type RenderSpec, type RenderStatus } from './render-record.ts';

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

const TERMINAL: ReadonlySet<RenderStatus> = new Set(['completed', 'failed']);

/** A render's own state in Redis, next to its BullMQ flow. */
export class RenderStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  /** Creates the record; false when the id is taken (an id is never silently reused). */
  async create(spec: RenderSpec): Promise<boolean> {
    const keys = renderKeys(this.#prefix, spec.id);
    const created = await this.#redis.hsetnx(keys.record, 'spec', JSON.stringify(spec));
    if (created === 0) return false;
    await this.#redis
      .multi()
      .hset(keys.record, 'status', 'queued')
      .zadd(keys.index, Date.parse(spec.createdAt), spec.id)
      .exec();
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

  /** Counts a segment once, however often an at-least-once delivery reports it. */
  async markSegmentDone(id: string, index: number, cached: boolean): Promise<void> {
    const keys = renderKeys(this.#prefix, id);
    const multi = this.#redis.multi().sadd(keys.done, String(index));
    if (cached) multi.sadd(keys.cached, String(index));
    await multi.exec();
  }

  /** Moves to `running` the first time a segment starts; never moves a render backwards. */
  async markRunning(id: string): Promise<void> {
    const keys = renderKeys(this.#prefix, id);
    const set = await this.#redis.hsetnx(keys.record, 'startedAt', new Date().toISOString());
    if (set === 1) await this.#setStatusUnlessTerminal(id, 'running');
  }

  async markStitching(id: string): Promise<void> {
    await this.#setStatusUnlessTerminal(id, 'stitching');
  }

  async markCompleted(id: string, result: RenderResult): Promise<void> {
    const keys = renderKeys(this.#prefix, id);
    await this.#redis.hset(keys.record, {
      status: 'completed',
      result: JSON.stringify(result),
      finishedAt: new Date().toISOString(),
    });
    await this.#redis.hdel(keys.record, 'error');
  }

  async markFailed(id: string, error: string): Promise<void> {
    const keys = renderKeys(this.#prefix, id);
    await this.#redis.hset(keys.record, { status: 'failed', error, finishedAt: new Date().toISOString() });
  }

  async #setStatusUnlessTerminal(id: string, status: RenderStatus): Promise<void> {
    const keys = renderKeys(this.#prefix, id);
    const current = await this.#redis.hget(keys.record, 'status');
    if (current && TERMINAL.has(current as RenderStatus)) return;
    await this.#redis.hset(keys.record, 'status', status);
  }
}
