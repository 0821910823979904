import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ai302Definition } from '../../src/providers/ai302/definition.ts';
import { startWorkers } from '../../src/worker/start-workers.ts';
import { readWorkerHeartbeats } from '../../src/runtime/worker-heartbeat.ts';
import { createRedisConnection } from '../../src/queue/redis-connection.ts';
import { startAi302Simulator } from '../simulators/ai302/server.ts';
import { startRenderEnv } from '../support/render-env.ts';

const GOOD_KEY = 'ai302-good-key-recovery';
const WRONG_KEY = 'ai302-wrong-key-recovery';
const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;

/**
 * A task provider's submit and poll prove its key works long before any audio is downloaded
 * (a task may run for minutes). The credential guard must hear so then: a worker whose key was
 * refused and is then accepted stops showing as misconfigured after its first successful submit.
 */
describe('302.AI credentials accepted again', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('clears the misconfigured flag on the first successful submit, before any download', async () => {
    // Tasks take two minutes here: nothing is downloaded while the test runs.
    const simulator = await startAi302Simulator({ apiKey: GOOD_KEY, msPerChar: 2, stageMs: 60_000 });
    cleanup.push(() => simulator.close());
    const vars = {
      AI302_BASE_URL: simulator.url,
      AI302_CLONE_PATH: simulator.clonePath,
      AI302_GENERATE_PATH: simulator.generatePath,
      AI302_CLONE_QUERY_PATH: simulator.cloneQueryPath,
      AI302_GENERATE_QUERY_PATH: simulator.generateQueryPath,
      AI302_POLL_FIRST_MS: '100',
      AI302_POLL_MAX_MS: '200',
      WORKER_CONCURRENCY: '2',
      HEARTBEAT_INTERVAL_MS: '100',
      CREDENTIAL_RECHECK_MS: '200',
      CREDENTIAL_RECHECK_MAX_MS: '400',
    };
    const env = await startRenderEnv(ai302Definition, vars, { startWorkers: false });
    cleanup.push(() => env.close());
    const worker = await startWorkers({
      config: { ...env.config, AI302_API_KEY: WRONG_KEY },
      logger: pino({ level: 'silent' }),
      providers: ['ai302'],
    });
    cleanup.push(() => worker.close(5000));
    const redis = createRedisConnection(env.config.REDIS_URL, 'producer');
    cleanup.push(() => redis.quit());

    const { plan, options } = env.plan('One short sentence, spoken by a task that takes its time.', AUDIO);
    await env.enqueue('recovers', plan, options);
    const misconfigured = async () => (await readWorkerHeartbeats(redis, env.config.QUEUE_PREFIX))[0]?.misconfigured?.ai302;
    await vi.waitFor(
      async () => {
        if (!(await misconfigured())) throw new Error('the refused key does not show yet');
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(simulator.requests.some((r) => r.call === 'create' && r.httpStatus === 401)).toBe(true);
    expect(simulator.tasks).toHaveLength(0);

    simulator.acceptKey(WRONG_KEY);
    await vi.waitFor(
      async () => {
        if (await misconfigured()) throw new Error('the heartbeat still shows the worker as misconfigured');
      },
      { timeout: 10_000, interval: 20 },
    );
    // The probe bought the task and nothing has been downloaded: the submit alone said the key works.
    expect(simulator.tasks).toHaveLength(1);
    expect(simulator.requests.filter((r) => r.call === 'download')).toHaveLength(0);
  }, 30_000);
});
