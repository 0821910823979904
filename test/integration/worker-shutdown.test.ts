import { Job, Queue } from 'bullmq';
import { mkdir, mkdtemp, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { synthesizeQueueName } from '../../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { startRenderEnv } from '../support/render-env.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { spawnWorker } from '../support/worker-process.ts';

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('worker shutdown and leftovers', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('a forced close (after --shutdown-timeout) aborts the stalled provider stream, hands the job back and exits promptly', async () => {
    const API_KEY = 'shutdown-test-key';
    // Every request streams one event and then stalls for good: only an abort ends it.
    const simulator = await startSenseAudioSimulator({
      apiKey: API_KEY,
      msPerChar: 2,
      chunkHexChars: 512,
      faults: () => ({ kind: 'stallStream', afterEvents: 1 }),
    });
    cleanup.push(() => simulator.close());
    const config = testConfig({ SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url });
    cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const out = await mkdtemp(join(tmpdir(), 'ttsb-shutdown-'));
    const worker = spawnWorker(
      {
        REDIS_URL: config.REDIS_URL,
        QUEUE_PREFIX: config.QUEUE_PREFIX,
        SENSEAUDIO_API_KEY: API_KEY,
        SENSEAUDIO_BASE_URL: simulator.url,
        WORKER_CONCURRENCY: '1',
      },
      ['--shutdown-timeout', '1000'],
    );
    cleanup.push(() => Promise.resolve(worker.child.kill('SIGKILL')));
    await worker.ready;
    const connection = createRedisConnection(config.REDIS_URL, 'producer');
    cleanup.push(() => connection.quit());
    await connectProducer(connection, config.REDIS_URL);
    const store = new RenderStore(connection, config.QUEUE_PREFIX);
    const plan = planRender('One short segment that will never finish streaming.', senseAudioDefinition.limits);
    const options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    await enqueueRender(
      { connection, prefix: config.QUEUE_PREFIX, store, retry: { attempts: 3, backoffMs: 50 } },
      { id: 'stalled', plan, provider: senseAudioDefinition, options, output: describeLocation(out) },
    );
    const request = await simulator.whenRequest(1);
    await until(() => Promise.resolve(request.eventsSent >= 1), 'the first audio event', 20_000);

    const signalledAt = Date.now();
    worker.child.kill('SIGTERM');
    const [code, finished] = await Promise.all([worker.exited, simulator.whenFinished(1)]);
    const exitMs = Date.now() - signalledAt;
    expect(code, worker.stderr()).toBe(0);
    expect(finished.outcome, 'the simulator saw the connection closed').toBe('client-closed');
    expect(exitMs, `exited ${exitMs} ms after SIGTERM`).toBeLessThan(1000 + 3000);
    expect(worker.stderr()).toMatch(/aborting their provider calls/);

    // Handed back without spending an attempt or failing the render: another worker runs it.
    const queue = new Queue(synthesizeQueueName('senseaudio'), { connection, prefix: config.QUEUE_PREFIX });
    cleanup.push(() => queue.close());
    const [job] = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(job, 'the segment job waits for another worker').toBeInstanceOf(Job);
    expect(job?.attemptsMade).toBe(0);
    expect((await store.get('stalled'))?.status).toBe('running');
  });

  it('removes stale .<key>.<rand>.part temp files (older than WORKER_LOCK_MS) a killed worker left, and keeps fresh ones', async () => {
    const API_KEY = 'sweep-test-key';
    const simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 2 });
    cleanup.push(() => simulator.close());
    const env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_LOCK_MS: '5000',
    });
    cleanup.push(() => env.close());
    const segmentFolder = join(env.out, '.segments', 'senseaudio', '3f');
    const renderFolder = join(env.out, 'killed-render');
    await mkdir(segmentFolder, { recursive: true });
    await mkdir(renderFolder, { recursive: true });
    const staleSegment = join(segmentFolder, `.${'3f'.padEnd(64, 'a')}.mp3.0123456789ab.part`);
    const staleAudio = join(renderFolder, '.audio.mp3.a1b2c3d4e5f6.part');
    const fresh = join(segmentFolder, `.${'3f'.padEnd(64, 'b')}.mp3.ba9876543210.part`);
    const notOurs = join(segmentFolder, '.notes.part');
    for (const file of [staleSegment, staleAudio, fresh, notOurs]) await writeFile(file, 'partial');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    for (const file of [staleSegment, staleAudio, notOurs]) await utimes(file, anHourAgo, anHourAgo);

    const { plan, options } = env.plan('A render that makes the worker open this output.', {
      format: 'mp3',
      sampleRate: 24000,
      channels: 1,
      bitrate: 64000,
    });
    await env.enqueue('sweeper', plan, options);
    await env.finish('sweeper', 60_000);
    await until(async () => !(await exists(staleSegment)) && !(await exists(staleAudio)), 'the stale temp files to go', 10_000);
    expect(await exists(fresh), 'a temp file younger than the lock time may still be written').toBe(true);
    expect(await exists(notOurs), 'only names of our temp-file pattern are touched').toBe(true);
  });
});
