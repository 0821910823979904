import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ai302Definition } from '../../src/providers/ai302/definition.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import { readWorkerHeartbeats } from '../../src/runtime/worker-heartbeat.ts';
import { waitingReason } from '../../src/runtime/waiting-reason.ts';
import { startWorkers } from '../../src/worker/start-workers.ts';
import { startAi302Simulator } from '../simulators/ai302/server.ts';
import { pollUntil } from '../support/poll-until.ts';
import { startRenderEnv } from '../support/render-env.ts';

const API_KEY = 'ai302-route-key-5e21';
const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;
/** Six paragraphs of about 150 code points: one segment each at AI302_MAX_CHARS=200 (target 150). */
const BOOK = Array.from(
  { length: 6 },
  (_, i) =>
    `Paragraph ${i + 1} tells of the river that ran past the old mill, where the miller counted sacks of grain. ` +
    `Each evening he wrote the number down.`,
).join('\n\n');
const WORKERS = 2;

/**
 * Issue 10 defect 1: the create path works, the query path does not exist. Every query answers
 * 404, and a 404 cannot be told from a forgotten task; read as "task gone, buy a new one" it
 * bought 45 paid tasks in 60 s for a six-segment book. It is a configuration error: each worker
 * pays for at most the one task whose first query showed the route wrong, then stops creating
 * tasks for 302.AI and says why, like a refused key.
 */
describe('302.AI query route misconfigured', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('costs at most one task per worker, and each worker says the query route is wrong', async () => {
    const simulator = await startAi302Simulator({ apiKey: API_KEY, msPerChar: 2, stageMs: 200 });
    cleanup.push(() => simulator.close());
    const vars = {
      AI302_API_KEY: API_KEY,
      AI302_BASE_URL: simulator.url,
      AI302_CLONE_PATH: simulator.clonePath,
      AI302_GENERATE_PATH: simulator.generatePath,
      // The create paths are right; the query paths are today's guess (the create paths), which this provider does not serve.
      AI302_CLONE_QUERY_PATH: simulator.clonePath,
      AI302_GENERATE_QUERY_PATH: simulator.generatePath,
      AI302_MAX_CHARS: '200',
      AI302_POLL_FIRST_MS: '50',
      AI302_POLL_MAX_MS: '100',
      WORKER_CONCURRENCY: '3',
      HEARTBEAT_INTERVAL_MS: '100',
      CREDENTIAL_RECHECK_MS: '200',
      CREDENTIAL_RECHECK_MAX_MS: '400',
      RETRY_ATTEMPTS: '12',
    };
    const env = await startRenderEnv(ai302Definition, vars);
    cleanup.push(() => env.close());
    const second = await startWorkers({ config: env.config, logger: pino({ level: 'silent' }), providers: ['ai302'] });
    cleanup.push(() => second.close(5000));
    const redis = createRedisConnection(env.config.REDIS_URL, 'producer');
    cleanup.push(() => redis.quit());
    await connectProducer(redis, env.config.REDIS_URL);

    const { plan, options } = env.plan(BOOK, { ...AUDIO, voiceSettings: { systemPrompt: 'A quiet room.' } });
    expect(plan.segments).toHaveLength(6);
    const started = Date.now();
    await env.enqueue('wrong-query-route', plan, options);

    // The task count rides along, so a failure says what the wait cost.
    const { beats: heartbeats } = await pollUntil(
      'both workers marked misconfigured for ai302',
      async () => ({ tasks: simulator.tasks.length, beats: await readWorkerHeartbeats(redis, env.config.QUEUE_PREFIX) }),
      ({ beats }) => beats.length === WORKERS && beats.every((beat) => beat.misconfigured?.ai302 !== undefined),
      20_000,
      20,
    );
    const stoppedMs = Date.now() - started;
    for (const beat of heartbeats) {
      expect(beat.misconfigured?.ai302?.reason).toContain('AI302_GENERATE_QUERY_PATH');
    }

    // The workers keep re-checking (every 200–400 ms); over several re-checks no task is bought.
    const tasksAtStop = simulator.tasks.length;
    const watchUntil = Date.now() + 3000;
    await pollUntil(
      'a re-check window passes without a new task',
      () => Promise.resolve(simulator.tasks.length),
      (count) => count > WORKERS || Date.now() > watchUntil,
      10_000,
      50,
    );
    console.info(
      `302.AI query route wrong: ${simulator.tasks.length} task(s) created by ${WORKERS} workers; both stopped after ${stoppedMs} ms` +
        ` (${tasksAtStop} at the stop)`,
    );
    expect(simulator.tasks.length).toBeGreaterThanOrEqual(1);
    expect(simulator.tasks.length).toBeLessThanOrEqual(WORKERS);
    // Queries were sent to the wrong route and refused as an unknown route, never as an unknown task.
    const queries = simulator.requests.filter((r) => r.method === 'GET' && r.path === simulator.generatePath);
    expect(queries.length).toBeGreaterThanOrEqual(1);
    expect(queries.every((r) => r.call === 'unknown' && r.httpStatus === 404)).toBe(true);
    // Still stopped after the re-checks (nothing answered), and the render waits: it is not failed as if its text were bad.
    const after = await readWorkerHeartbeats(redis, env.config.QUEUE_PREFIX);
    expect(after.filter((beat) => beat.misconfigured?.ai302 !== undefined)).toHaveLength(WORKERS);
    expect((await env.store.get('wrong-query-route'))?.status).not.toBe('failed');
    // What the render's status says while it waits names the route, not the key.
    expect(await waitingReason(redis, env.config.QUEUE_PREFIX, 'ai302')).toBe(
      'no worker with a working ai302 task query route (its query path setting, e.g. AI302_GENERATE_QUERY_PATH, is wrong)',
    );
  }, 40_000);
});
