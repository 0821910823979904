import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FetchObservedWorker } from '../../src/worker/fetch-observed-worker.ts';
import { readWorkerHeartbeats } from '../../src/runtime/worker-heartbeat.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

describe('worker heartbeats', () => {
  const config = testConfig();
  const prefix = config.QUEUE_PREFIX;
  let redis: Redis;
  let worker: WorkerProcess | undefined;

  beforeAll(() => {
    redis = new Redis(config.REDIS_URL);
  });

  afterAll(async () => {
    worker?.child.kill('SIGKILL');
    redis?.disconnect();
    await deletePrefix(config.REDIS_URL, prefix);
  });

  it('a running worker process beats, with a fetch time that advances while it is idle; a graceful exit removes it', async () => {
    worker = spawnWorker(
      {
        REDIS_URL: config.REDIS_URL,
        QUEUE_PREFIX: prefix,
        // A provider with credentials, so the worker serves a queue; nothing is ever enqueued.
        SENSEAUDIO_API_KEY: 'heartbeat-test-key',
        SENSEAUDIO_BASE_URL: 'http://127.0.0.1:9',
        HEARTBEAT_INTERVAL_MS: '100',
      },
      ['--providers', 'senseaudio'],
    );
    await worker.ready;

    // The first beat is written before "workers started"; fetch times follow as the loops turn.
    const [first] = await readWorkerHeartbeats(redis, prefix);
    expect(first, 'a heartbeat exists as soon as the worker has started').toBeDefined();
    expect(await redis.ttl(`${prefix}:workers:${first!.id}`), 'it expires if the process dies').toBeGreaterThan(0);
    const raw = JSON.parse((await redis.get(`${prefix}:workers:${first!.id}`)) ?? '{}') as Record<string, unknown>;
    expect(raw).toMatchObject({ pid: worker.child.pid, providers: ['senseaudio'] });

    const fetched = await vi.waitFor(
      async () => {
        const [beat] = await readWorkerHeartbeats(redis, prefix);
        if (!beat || beat.lastFetchAt === 0) throw new Error('no fetch recorded yet');
        return beat;
      },
      { timeout: 15_000, interval: 50 },
    );
    // Idle queues emit no events after 'drained'; only the observed fetch loop moves this on.
    const later = await vi.waitFor(
      async () => {
        const [beat] = await readWorkerHeartbeats(redis, prefix);
        if (!beat || beat.lastFetchAt <= fetched.lastFetchAt) throw new Error('the idle fetch loop has not turned yet');
        return beat;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(later.id).toBe(fetched.id);

    // The AOF check: the worker says so exactly when this Redis runs without AOF.
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as [string, string];
    if (appendonly === 'no') expect(worker.stderr()).toContain('Redis runs without AOF');
    else expect(worker.stderr()).not.toContain('Redis runs without AOF');

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await readWorkerHeartbeats(redis, prefix)).toEqual([]);
    expect(await redis.exists(`${prefix}:workers:${first!.id}`)).toBe(0);
  });

  it('an idle worker proves its fetch loop turns, though it emits no event after "drained"', async () => {
    const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    // drainDelay 1 s: each idle cycle blocks for a second, then asks Redis again.
    const idleWorker = new FetchObservedWorker('heartbeat-idle', () => Promise.resolve(), { connection, prefix, drainDelay: 1 });
    try {
      const events: string[] = [];
      for (const name of ['active', 'completed', 'failed', 'drained'] as const) idleWorker.on(name, () => events.push(name));
      await new Promise<void>((resolve) => idleWorker.once('drained', () => resolve()));
      const drainedAt = idleWorker.lastFetchAt;
      expect(drainedAt).toBeGreaterThan(0);
      await vi.waitFor(
        () => {
          if (idleWorker.lastFetchAt <= drainedAt) throw new Error('no idle fetch cycle observed yet');
        },
        { timeout: 15_000, interval: 50 },
      );
      expect(events, 'the advance came from the fetch loop itself, not from an event').toEqual(['drained']);
    } finally {
      await idleWorker.close();
      connection.disconnect();
    }
  });

  it('ignores and prunes heartbeats that expired without a goodbye (a killed process)', async () => {
    const index = `${prefix}:worker-index`;
    await redis.zadd(index, Date.now() - 1000, 'killed-long-ago');
    await redis.set(
      `${prefix}:workers:alive-one`,
      JSON.stringify({ pid: 1, host: 'h', providers: [], startedAt: 1, lastFetchAt: 2 }),
      'EX',
      60,
    );
    await redis.zadd(index, Date.now() + 60_000, 'alive-one');
    expect((await readWorkerHeartbeats(redis, prefix)).map((beat) => [beat.id, beat.lastFetchAt])).toEqual([['alive-one', 2]]);
    expect(await redis.zscore(index, 'killed-long-ago'), 'pruned from the index').toBeNull();
  });
});
