import type { Redis } from 'ioredis';
import { z } from 'zod';
import { scheduleDefinitionSchema, type ScheduleDefinition } from './schedule-definition.ts';
import { scheduleKeys, scheduleRunKey } from './schedule-keys.ts';
import { scheduleRunSchema, type ScheduleRun } from './schedule-run.ts';

/** What a book's last completed render in a schedule was made from. */
export const bookRecordSchema = z.object({
  sha256: z.string(),
  /** renderOptionsDigest of the definition it was rendered with. */
  options: z.string(),
  renderId: z.string(),
  renderedAt: z.string(),
});
export type BookRecord = z.infer<typeof bookRecordSchema>;

/** Runs whose records are kept per schedule (the newest); a record also expires after RUN_RECORD_DAYS. */
const RUNS_KEPT = 50;
const RUN_RECORD_DAYS = 30;

/** Renews the run lease only for the run holding it. KEYS: running; ARGV: runId, ttl ms. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** Gives the lease back only when this run holds it. KEYS: running; ARGV: runId. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Schedules' definitions, their books' last renders, their runs and the run lease, in Redis. */
export class ScheduleStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  /** Adds or replaces a schedule; the webhook secret (if any) is kept apart from the definition. */
  async save(definition: ScheduleDefinition, webhookSecret: string | undefined): Promise<'added' | 'replaced'> {
    const keys = scheduleKeys(this.#prefix, definition.name);
    const multi = this.#redis.multi().sadd(keys.names, definition.name).set(keys.definition, JSON.stringify(definition));
    if (webhookSecret === undefined) multi.del(keys.webhookSecret);
    else multi.set(keys.webhookSecret, webhookSecret);
    const results = await multi.exec();
    return results?.[0]?.[1] === 1 ? 'added' : 'replaced';
  }

  /** The definition, validated as it is read (it may have been written by another version). */
  async get(name: string): Promise<ScheduleDefinition | null> {
    const stored = await this.#redis.get(scheduleKeys(this.#prefix, name).definition);
    return stored === null ? null : scheduleDefinitionSchema.parse(JSON.parse(stored));
  }

  async list(): Promise<ScheduleDefinition[]> {
    const names = (await this.#redis.smembers(scheduleKeys(this.#prefix, '').names)).sort();
    const definitions = await Promise.all(names.map((name) => this.get(name)));
    return definitions.filter((definition): definition is ScheduleDefinition => definition !== null);
  }

  /** Forgets the schedule, its books' renders and its runs; false when there was none. */
  async remove(name: string): Promise<boolean> {
    const keys = scheduleKeys(this.#prefix, name);
    const runIds = await this.#redis.zrange(keys.runs, '0', '-1');
    const runKeys = runIds.map((runId) => scheduleRunKey(this.#prefix, name, runId));
    const results = await this.#redis
      .multi()
      .srem(keys.names, name)
      .del(keys.definition, keys.webhookSecret, keys.books, keys.runs, ...runKeys)
      .exec();
    return results?.[0]?.[1] === 1;
  }

  async webhookSecret(name: string): Promise<string | null> {
    return this.#redis.get(scheduleKeys(this.#prefix, name).webhookSecret);
  }

  /** Each book's last completed render in this schedule, by path. */
  async books(name: string): Promise<Map<string, BookRecord>> {
    const stored = await this.#redis.hgetall(scheduleKeys(this.#prefix, name).books);
    return new Map(Object.entries(stored).map(([path, json]) => [path, bookRecordSchema.parse(JSON.parse(json))]));
  }

  /** Called once a book's render completed: the next run finds it unchanged until its bytes change. */
  async recordBook(name: string, path: string, record: BookRecord): Promise<void> {
    await this.#redis.hset(scheduleKeys(this.#prefix, name).books, path, JSON.stringify(record));
  }

  /**
   * Takes the schedule's run lease for `runId` (or keeps it, when this run already holds it);
   * returns null when taken, else the id of the run holding it. The lease lapses after `ttlMs`
   * unless renewed, so a run whose job vanished does not block the schedule for ever.
   */
  async claimRun(name: string, runId: string, ttlMs: number): Promise<string | null> {
    const key = scheduleKeys(this.#prefix, name).running;
    if ((await this.#redis.set(key, runId, 'PX', ttlMs, 'NX')) === 'OK') return null;
    if (Number(await this.#redis.eval(RENEW, 1, key, runId, String(ttlMs))) === 1) return null;
    return (await this.#redis.get(key)) ?? (await this.claimRun(name, runId, ttlMs));
  }

  /** Renews the lease; false when this run no longer holds it. */
  async renewRun(name: string, runId: string, ttlMs: number): Promise<boolean> {
    return Number(await this.#redis.eval(RENEW, 1, scheduleKeys(this.#prefix, name).running, runId, String(ttlMs))) === 1;
  }

  async releaseRun(name: string, runId: string): Promise<void> {
    await this.#redis.eval(RELEASE, 1, scheduleKeys(this.#prefix, name).running, runId);
  }

  /** The id of the run holding the lease, or null. */
  async runningRun(name: string): Promise<string | null> {
    return this.#redis.get(scheduleKeys(this.#prefix, name).running);
  }

  /** Writes a run's record (at its start and at its end); only the newest RUNS_KEPT are kept. */
  async saveRun(run: ScheduleRun): Promise<void> {
    const keys = scheduleKeys(this.#prefix, run.schedule);
    await this.#redis
      .multi()
      .set(scheduleRunKey(this.#prefix, run.schedule, run.runId), JSON.stringify(run), 'EX', RUN_RECORD_DAYS * 24 * 3600)
      .zadd(keys.runs, Date.parse(run.startedAt), run.runId)
      .exec();
    const dropped = await this.#redis.zrange(keys.runs, '0', String(-(RUNS_KEPT + 1)));
    if (dropped.length === 0) return;
    await this.#redis
      .multi()
      .zrem(keys.runs, ...dropped)
      .del(...dropped.map((runId) => scheduleRunKey(this.#prefix, run.schedule, runId)))
      .exec();
  }

  async getRun(name: string, runId: string): Promise<ScheduleRun | null> {
    const stored = await this.#redis.get(scheduleRunKey(this.#prefix, name, runId));
    return stored === null ? null : scheduleRunSchema.parse(JSON.parse(stored));
  }

  /** The newest runs first, at most `limit`. */
  async runs(name: string, limit = 10): Promise<ScheduleRun[]> {
    const runIds = await this.#redis.zrevrange(scheduleKeys(this.#prefix, name).runs, '0', String(limit - 1));
    const runs = await Promise.all(runIds.map((runId) => this.getRun(name, runId)));
    return runs.filter((run): run is ScheduleRun => run !== null);
  }
}
