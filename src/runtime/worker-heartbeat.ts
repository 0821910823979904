import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * `<prefix>:workers:<uuid>` holds one worker process's heartbeat (JSON, expiring); the sorted
 * set `<prefix>:worker-index` lists the ids by expiry, so a reader never SCANs the keyspace
 * (which holds every job of every queue).
 */
function heartbeatKeys(prefix: string) {
  return {
    index: `${prefix}:worker-index`,
    worker: (id: string) => `${prefix}:workers:${id}`,
  };
}

const heartbeatSchema = z.object({
  pid: z.number(),
  host: z.string(),
  providers: z.array(z.string()),
  startedAt: z.number(),
  lastFetchAt: z.number(),
  /** Providers this process serves but whose credentials were refused (absent in older workers). */
  misconfigured: z
    .record(z.string(), z.object({ since: z.number(), reason: z.string(), cause: z.enum(['credentials', 'route']).optional() }))
    .optional(),
});

export interface WorkerHeartbeatInfo {
  id: string;
  pid: number;
  host: string;
  providers: string[];
  startedAt: number;
  /**
   * Epoch ms when one of the process's BullMQ workers last completed a fetch round trip (a job
   * or an empty answer), finished a job or renewed its locks; 0 before the first.
   */
  lastFetchAt: number;
  /** Providers it serves whose credentials were refused: it takes no jobs for them meanwhile. */
  misconfigured?: Record<string, { since: number; reason: string; cause?: 'credentials' | 'route' | undefined }>;
}

export interface HeartbeatOptions {
  redis: Redis;
  prefix: string;
  providers: readonly string[];
  intervalMs: number;
  logger: Logger;
  /** The latest fetch of any of the process's workers (see FetchObservedWorker). */
  lastFetchAt: () => number;
  /** Providers whose credentials were refused (see CredentialGuard); none when omitted. */
  misconfigured?: () => Record<string, { since: number; reason: string; cause?: 'credentials' | 'route' | undefined }>;
}

export interface WorkerHeartbeat {
  readonly id: string;
  /** Writes the heartbeat now (a health change should not wait for the next interval). */
  refresh(): void;
  /** Stops beating and removes the key at once (a graceful close is not a dead worker). */
  close(): Promise<void>;
}

/** A heartbeat outlives a few missed beats, and at least a minute. */
function ttlSeconds(intervalMs: number): number {
  return Math.max(60, Math.ceil((6 * intervalMs) / 1000));
}

/** Writes the process's heartbeat now and every `intervalMs` until closed. */
export async function startWorkerHeartbeat(options: HeartbeatOptions): Promise<WorkerHeartbeat> {
  const { redis, intervalMs, logger } = options;
  const id = randomUUID();
  const keys = heartbeatKeys(options.prefix);
  const ttl = ttlSeconds(intervalMs);
  const startedAt = Date.now();
  const beat = async (): Promise<void> => {
    const misconfigured = options.misconfigured?.() ?? {};
    const value = {
      pid: process.pid,
      host: hostname(),
      providers: [...options.providers],
      startedAt,
      lastFetchAt: options.lastFetchAt(),
      ...(Object.keys(misconfigured).length > 0 ? { misconfigured } : {}),
    };
    await redis
      .multi()
      .set(keys.worker(id), JSON.stringify(value), 'EX', ttl)
      .zadd(keys.index, Date.now() + ttl * 1000, id)
      .exec();
  };
  await beat();
  let pending: Promise<void> = Promise.resolve();
  let closing = false;
  const beatInBackground = (): void => {
    if (closing) return;
    // Chained, so an out-of-turn beat never lands after (and overwrites) a newer one.
    pending = pending
      .then(beat)
      .catch((error: unknown) =>
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not write the worker heartbeat'),
      );
  };
  const timer = setInterval(beatInBackground, intervalMs);
  timer.unref();
  let closed: Promise<void> | undefined;
  return {
    id,
    refresh: beatInBackground,
    close() {
      closed ??= (async () => {
        closing = true;
        clearInterval(timer);
        await pending;
        await redis.multi().del(keys.worker(id)).zrem(keys.index, id).exec();
      })();
      return closed;
    },
  };
}

/** The heartbeats of live worker processes (expired ones are pruned from the index on the way). */
export async function readWorkerHeartbeats(redis: Redis, prefix: string): Promise<WorkerHeartbeatInfo[]> {
  const keys = heartbeatKeys(prefix);
  await redis.zremrangebyscore(keys.index, '-inf', String(Date.now()));
  const ids = await redis.zrange(keys.index, '0', '-1');
  if (ids.length === 0) return [];
  const values = await redis.mget(ids.map((id) => keys.worker(id)));
  const found: WorkerHeartbeatInfo[] = [];
  ids.forEach((id, position) => {
    const raw = values[position];
    if (raw === null || raw === undefined) return;
    try {
      const parsed = heartbeatSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) return;
      const { misconfigured, ...rest } = parsed.data;
      found.push({ id, ...rest, ...(misconfigured === undefined ? {} : { misconfigured }) });
    } catch {
      // A key some other writer left under the prefix: not a heartbeat.
    }
  });
  return found;
}
