import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMetrics } from '../../src/metrics/render-metrics.ts';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { espeakDefinition } from '../../src/providers/espeak/definition.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { segmentJobId, STITCH_QUEUE, synthesizeQueueName } from '../../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import type { WebhookEvent } from '../../src/webhooks/webhook-event.ts';
import { pollUntil } from '../support/poll-until.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { parsePrometheusText, sampleValue } from './metrics-prometheus-parser.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhooks-receiver.ts';

/**
 * Issue #8 item 10: a render whose job BullMQ fails by itself (stalled too often) is announced
 * like any other end. Our workers here serve senseaudio and stitch; the render is on the espeak
 * queue, which "another process" (two bare BullMQ workers in this test) works: one takes the
 * segment and dies (never renews its lock), the other's stalled checker fails it. Our processor
 * never sees the failure; only the worker's failed-job listener can.
 */
describe('every end is announced once', () => {
  let env: RenderEnv;
  let hook: WebhookReceiver;
  let connection: Redis;

  beforeAll(async () => {
    hook = await startWebhookReceiver();
    // The receiver listens on loopback, which webhooks may reach only when allowed explicitly.
    env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: 'any-cause-key',
      WEBHOOK_BACKOFF_MS: '20',
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    });
    connection = createRedisConnection(env.config.REDIS_URL, 'worker');
  });

  afterAll(async () => {
    await connection?.quit();
    await env?.close();
    await hook?.close();
  });

  it('a segment stalled too often fails its render: record failed, counted once, one render.failed webhook', async () => {
    const prefix = env.config.QUEUE_PREFIX;
    const queueName = synthesizeQueueName('espeak');
    const producer = createRedisConnection(env.config.REDIS_URL, 'producer');
    await connectProducer(producer, env.config.REDIS_URL);
    const plan = planRender('One sentence only.', espeakDefinition.limits);
    await enqueueRender(
      { connection: producer, prefix, store: env.store, retry: { attempts: 3, backoffMs: 50 } },
      {
        id: 'stalls',
        plan,
        provider: espeakDefinition,
        options: resolveRenderOptions(espeakDefinition, {}),
        output: describeLocation(env.out),
        webhook: { url: hook.url, secret: 'whsec-any-cause-1' },
      },
    );
    await producer.quit();

    // Process one takes the segment and is "killed": its lock is never renewed.
    const dying = new Worker(queueName, null, { connection, prefix, lockDuration: 1000 });
    const taken = await dying.getNextJob('dying-token');
    expect(taken?.id).toBe(segmentJobId('stalls', 0));
    await dying.close(true);
    // Process two's stalled checker finds it (one stall allowed: none) and fails it; its
    // processor must never run for it.
    let processorRan = false;
    const checker = new Worker(
      queueName,
      () => {
        processorRan = true;
        return Promise.resolve();
      },
      {
        connection: createRedisConnection(env.config.REDIS_URL, 'worker'),
        prefix,
        lockDuration: 1000,
        stalledInterval: 300,
        maxStalledCount: 0,
      },
    );
    try {
      const synthesize = new Queue(queueName, { connection, prefix });
      const stitch = new Queue(STITCH_QUEUE, { connection, prefix });
      await pollUntil(
        'the segment job failed',
        () => synthesize.getJobState(segmentJobId('stalls', 0)),
        (state) => state === 'failed',
      );
      expect((await Job.fromId(synthesize, segmentJobId('stalls', 0)))?.failedReason).toMatch(/stalled more than allowable limit/);
      expect(processorRan).toBe(false);

      const state = await pollUntil(
        'the render failed',
        () => env.store.get('stalls'),
        (s) => s?.status === 'failed',
      );
      expect(state?.error).toMatch(/^segment 0: .*stalled more than allowable limit/);
      const delivered = await hook.whenRequest(1);
      expect(JSON.parse(delivered.body) as WebhookEvent).toMatchObject({ type: 'render.failed', id: 'stalls', status: 'failed' });

      // The stitch parent fails too (its child did): announced again by nobody.
      await pollUntil(
        'the stitch parent failed',
        () => stitch.getJobState('stalls'),
        (s) => s === 'failed',
      );
      const families = parsePrometheusText(await renderMetrics(connection, prefix, ['senseaudio', 'espeak']));
      expect(sampleValue(families, 'ttsb_renders_ended_total', { status: 'failed' })).toBe(1);
      expect(sampleValue(families, 'ttsb_segments_failed_total', { provider: 'espeak' })).toBe(1);
      expect(hook.received, 'one webhook event').toHaveLength(1);
      await Promise.all([synthesize.close(), stitch.close()]);
    } finally {
      await checker.close();
    }
  });
});
