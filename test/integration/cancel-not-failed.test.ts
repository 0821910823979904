import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMetrics } from '../../src/metrics/render-metrics.ts';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { STITCH_QUEUE, synthesizeQueueName } from '../../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import { cancelRender } from '../../src/producer/cancel-render.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { WEBHOOK_QUEUE } from '../../src/queue/webhook-queue.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { waitForQueuesSettled } from '../support/queue-settled.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { parsePrometheusText, sampleValue } from './metrics-prometheus-parser.ts';

const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;
const QUEUES = [synthesizeQueueName('senseaudio'), STITCH_QUEUE, WEBHOOK_QUEUE];

/** Issue #8 item 11: a user's cancel is not a failure; no job of a cancelled render ends in `failed`. */
describe('cancels are not failures', () => {
  const API_KEY = 'cancel-count-key-5b7e';
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;
  let connection: Redis;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 1, chunkHexChars: 2048, eventIntervalMs: 20 });
    env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '2',
    });
    connection = createRedisConnection(env.config.REDIS_URL, 'producer');
    await connectProducer(connection, env.config.REDIS_URL);
  });

  afterAll(async () => {
    await connection?.quit();
    await env?.close();
    await simulator?.close();
  });

  it('three cancels with segments in flight and pending: 0 failed jobs in every queue, ttsb_queue_jobs{state="failed"} 0', async () => {
    const deps = { connection, prefix: env.config.QUEUE_PREFIX, store: env.store };
    for (const round of [1, 2, 3]) {
      const id = `cancel-round-${round}`;
      // Every request of this round streams one event, then stalls until its worker lets go:
      // both worker slots are mid-synthesis at the cancel, and the other segments are pending.
      const base = simulator.requests.length;
      simulator.setFaults((n) => (n > base ? { kind: 'stallStream', afterEvents: 1 } : undefined));
      const { plan, options } = env.plan(makeSampleBook(18_000, 20 + round), AUDIO);
      expect(plan.segments.length, 'more segments than worker slots, so some are pending').toBeGreaterThan(3);
      await enqueueRender(
        { connection, prefix: env.config.QUEUE_PREFIX, store: env.store, retry: { attempts: 8, backoffMs: 50 } },
        { id, plan, provider: senseAudioDefinition, options, output: describeLocation(env.out) },
      );
      await simulator.whenRequest(base + 1);
      await simulator.whenRequest(base + 2);
      expect(await cancelRender(deps, id)).toBe('cancelled');
      await waitForQueuesSettled(connection, env.config.QUEUE_PREFIX, QUEUES);
      simulator.setFaults(undefined);
      expect((await env.store.get(id))?.status).toBe('cancelled');
    }

    for (const name of QUEUES) {
      const queue = new Queue(name, { connection, prefix: env.config.QUEUE_PREFIX });
      try {
        expect(await queue.getJobCounts('failed'), `queue ${name}`).toEqual({ failed: 0 });
      } finally {
        await queue.close();
      }
    }
    const families = parsePrometheusText(await renderMetrics(connection, env.config.QUEUE_PREFIX, ['senseaudio']));
    for (const name of QUEUES)
      expect(sampleValue(families, 'ttsb_queue_jobs', { queue: name, state: 'failed' }), `ttsb_queue_jobs ${name}`).toBe(0);
    expect(sampleValue(families, 'ttsb_renders_ended_total', { status: 'cancelled' })).toBe(3);
    expect(sampleValue(families, 'ttsb_renders_ended_total', { status: 'failed' })).toBe(0);
  });
});
