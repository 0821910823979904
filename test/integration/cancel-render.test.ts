import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelCommand } from '../../src/cli/cancel-command.ts';
import { InputError } from '../../src/errors/input-error.ts';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { STITCH_QUEUE, synthesizeQueueName } from '../../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import { cancelRender } from '../../src/producer/cancel-render.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import type { WebhookEvent } from '../../src/webhooks/webhook-event.ts';
import { verifyWebhookSignature } from '../../src/webhooks/webhook-signature.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { runCli } from '../support/run-cli.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhooks-receiver.ts';

const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** A producer connection and the queues a test inspects, for one env's prefix. */
async function inspect(env: RenderEnv) {
  const connection: Redis = createRedisConnection(env.config.REDIS_URL, 'producer');
  await connectProducer(connection, env.config.REDIS_URL);
  const prefix = env.config.QUEUE_PREFIX;
  return {
    connection,
    deps: { connection, prefix, store: env.store },
    synthesize: new Queue(synthesizeQueueName('senseaudio'), { connection, prefix }),
    stitch: new Queue(STITCH_QUEUE, { connection, prefix }),
    async close() {
      await this.synthesize.close();
      await this.stitch.close();
      await connection.quit();
    },
  };
}

describe('cancelling a render', () => {
  const API_KEY = 'cancel-sim-key-91d2';
  const SECRET = 'whsec-cancel-3e8a1f7c2b9d';
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;
  let idle: RenderEnv;
  let hook: WebhookReceiver;
  let live: Awaited<ReturnType<typeof inspect>>;
  let queued: Awaited<ReturnType<typeof inspect>>;

  beforeAll(async () => {
    // Slow streams: a segment takes seconds, so a cancel certainly lands mid-stream.
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 2, chunkHexChars: 2048, eventIntervalMs: 40 });
    // The webhook receiver listens on loopback, which webhooks may reach only when allowed explicitly.
    const vars = {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '2',
      WEBHOOK_BACKOFF_MS: '20',
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    };
    env = await startRenderEnv(senseAudioDefinition, vars);
    // Same provider, no workers at all: what a cancel does to a render nobody has touched.
    idle = await startRenderEnv(senseAudioDefinition, vars, { startWorkers: false });
    hook = await startWebhookReceiver();
    live = await inspect(env);
    queued = await inspect(idle);
  });

  afterAll(async () => {
    await live?.close();
    await queued?.close();
    await hook?.close();
    await env?.close();
    await idle?.close();
    await simulator?.close();
  });

  it('stops synthesis: nothing new reaches the provider, the calls in flight are aborted, nothing is stitched', async () => {
    // The first request completes; every later one streams a little, then stalls until the
    // client goes away: the cancel lands mid-stream whatever the machine's load.
    const base = simulator.requests.length;
    simulator.setFaults((n) => (n > base + 1 ? { kind: 'stallStream', afterEvents: 1 } : undefined));
    const { plan, options } = env.plan(makeSampleBook(24_000, 11), AUDIO);
    expect(plan.segments.length, 'the book must be several segments long').toBeGreaterThan(4);
    await enqueueRender(
      { connection: live.connection, prefix: env.config.QUEUE_PREFIX, store: env.store, retry: { attempts: 8, backoffMs: 50 } },
      {
        id: 'cancel-me',
        plan,
        provider: senseAudioDefinition,
        options,
        output: describeLocation(env.out),
        webhook: { url: hook.url, secret: SECRET },
      },
    );
    // Once a segment is done and the third is streaming (two slots), cancel.
    await simulator.whenFinished(base + 1);
    const third = await simulator.whenRequest(base + 3);
    expect(third.outcome, 'request 3 should still be streaming').toBeUndefined();
    expect(await cancelRender(live.deps, 'cancel-me')).toBe('cancelled');
    const requestsAtCancel = simulator.requests.length;

    const ended = await Promise.all(simulator.requests.slice(0, requestsAtCancel).map((r) => simulator.whenFinished(r.number)));
    expect((await simulator.whenFinished(base + 3)).outcome, 'the call in flight is aborted by its worker').toBe('client-closed');
    simulator.setFaults(undefined);
    for (const request of ended) expect(['completed', 'client-closed'], `request ${request.number}`).toContain(request.outcome);

    // The segment jobs that were running end (aborted, they complete as abandoned: a cancel is
    // no failure), and so does the stitch parent they belong to: it finds the render ended and
    // never stitches.
    const running = await live.synthesize.getJobs(['active']);
    const stitchJob = await Job.fromId(live.stitch, 'cancel-me');
    expect(stitchJob, 'segments were active, so the flow could not be removed whole').toBeDefined();
    const synthesizeEvents = new QueueEvents(synthesizeQueueName('senseaudio'), {
      connection: { url: env.config.REDIS_URL },
      prefix: env.config.QUEUE_PREFIX,
    });
    const stitchEvents = new QueueEvents(STITCH_QUEUE, { connection: { url: env.config.REDIS_URL }, prefix: env.config.QUEUE_PREFIX });
    try {
      await Promise.all([synthesizeEvents.waitUntilReady(), stitchEvents.waitUntilReady()]);
      const endings = (await Promise.all(running.map((job) => job.waitUntilFinished(synthesizeEvents, 30_000)))) as { index: number }[];
      for (const ending of endings) expect(ending.index, 'each running segment completes (spoken, or abandoned)').toBeTypeOf('number');
      expect(await live.synthesize.getJobCounts('failed'), 'no segment of a cancelled render fails').toEqual({ failed: 0 });
      expect(await stitchJob!.waitUntilFinished(stitchEvents, 30_000)).toEqual({ ended: 'cancelled' });
    } finally {
      await synthesizeEvents.close();
      await stitchEvents.close();
    }

    expect(simulator.requests.length, 'no request reached the provider after the cancel').toBe(requestsAtCancel);
    const left = await live.synthesize.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    expect(left, 'no segment job is left to run').toEqual({ waiting: 0, delayed: 0, prioritized: 0, active: 0 });
    const state = await env.store.get('cancel-me');
    expect(state?.status).toBe('cancelled');
    expect(await exists(join(env.out, 'cancel-me', 'audio.mp3')), 'a cancelled render writes no audio').toBe(false);
    const outline = await env.store.outline('cancel-me');
    const stored = await Promise.all(outline!.segments.map((segment) => exists(join(env.out, segment.key))));
    expect(stored.filter(Boolean).length, 'only the segments the provider finished are stored; aborted ones are not').toBe(
      ended.filter((r) => r.outcome === 'completed').length,
    );

    const delivered = await hook.whenRequest(1);
    const event = JSON.parse(delivered.body) as WebhookEvent;
    expect(event).toMatchObject({ type: 'render.cancelled', id: 'cancel-me', status: 'cancelled', occurredAt: state?.finishedAt });
    expect(verifyWebhookSignature(SECRET, String(delivered.headers['webhook-signature']), delivered.body)).toBe(true);

    // Cancelling again changes nothing and queues no second event.
    expect(await cancelRender(live.deps, 'cancel-me')).toBe('cancelled');
    expect(hook.received).toHaveLength(1);
  });

  it('removes the whole flow of a render no worker has touched', async () => {
    const { plan, options } = idle.plan(makeSampleBook(9_000, 12), AUDIO);
    await idle.enqueue('never-started', plan, options);
    // Segment jobs carry fair-share priorities: BullMQ keeps them as prioritized until a worker takes one.
    expect((await queued.synthesize.getJobCounts('prioritized')).prioritized).toBe(plan.segments.length);

    expect(await cancelRender(queued.deps, 'never-started')).toBe('cancelled');
    expect(await queued.stitch.getJob('never-started'), 'the stitch parent is gone').toBeUndefined();
    expect(await queued.synthesize.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed')).toEqual({
      waiting: 0,
      prioritized: 0,
      delayed: 0,
      active: 0,
      failed: 0,
    });
    expect((await idle.store.get('never-started'))?.status).toBe('cancelled');
    expect(await cancelRender(queued.deps, 'no-such-render')).toBeNull();
  });

  it('leaves a completed render as it is', async () => {
    const { plan, options } = env.plan('One short line to finish quickly. 很快就结束。', AUDIO);
    await env.enqueue('done-already', plan, options);
    await env.finish('done-already');
    expect(await cancelRender(live.deps, 'done-already')).toBe('completed');
    expect((await env.store.get('done-already'))?.status).toBe('completed');
    expect(await exists(join(env.out, 'done-already', 'audio.mp3'))).toBe(true);
  });

  it('tts-batch cancel prints {id, status}; an unknown id is an input error', async () => {
    const { plan, options } = idle.plan(makeSampleBook(4_000, 13), AUDIO);
    await idle.enqueue('cli-cancel', plan, options);
    const cliEnv = { REDIS_URL: idle.config.REDIS_URL, QUEUE_PREFIX: idle.config.QUEUE_PREFIX, LOG_LEVEL: 'silent' };
    const cancelled = await runCli(['cancel', 'cli-cancel'], cliEnv);
    expect(cancelled.stderr).toBe('');
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toEqual({ id: 'cli-cancel', status: 'cancelled' });
    // In-process for the unknown id: the CLI turns an InputError into exit 2 for every command.
    await expect(cancelCommand('nothing-here', idle.config)).rejects.toThrow(InputError);
    await expect(cancelCommand('nothing-here', idle.config)).rejects.toThrow(/id: no render with id "nothing-here"/);
  });
});
