import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Job, Queue, QueueEvents } from 'bullmq';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { STITCH_QUEUE } from '../../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { describeLocation, openStorage } from '../../src/storage/open-storage.ts';
import { startWorkers } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { startS3Server } from '../support/s3-server.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { s3ConfigEnv } from '../support/s3-config-env.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';

describe('a render whose output is s3://bucket/prefix', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('streams segments and the stitched book to the S3 server, manifest included', async () => {
    const s3 = await startS3Server();
    cleanup.push(() => s3.stop());
    const simulator = await startSenseAudioSimulator({ apiKey: 'k', msPerChar: 2 });
    cleanup.push(() => simulator.close());
    const config = testConfig({
      SENSEAUDIO_API_KEY: 'k',
      SENSEAUDIO_BASE_URL: simulator.url,
      ...s3ConfigEnv(s3),
    });
    cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const runtime = await startWorkers({ config, logger: pino({ level: 'silent' }), providers: ['senseaudio'] });
    cleanup.push(() => runtime.close(5000));
    const connection = createRedisConnection(config.REDIS_URL, 'producer');
    cleanup.push(() => connection.quit());
    await connectProducer(connection, config.REDIS_URL);
    const events = new QueueEvents(STITCH_QUEUE, { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    cleanup.push(() => events.close());
    await events.waitUntilReady();

    const output = describeLocation(`s3://${s3.bucket}/books/nightly`);
    const plan = planRender(makeSampleBook(9_000, 5), senseAudioDefinition.limits);
    const options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    await enqueueRender(
      {
        connection,
        prefix: config.QUEUE_PREFIX,
        store: new RenderStore(connection, config.QUEUE_PREFIX),
        retry: { attempts: 3, backoffMs: 50 },
      },
      { id: 's3-book', plan, provider: senseAudioDefinition, options, output },
    );
    const queue = new Queue(STITCH_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
    cleanup.push(() => queue.close());
    const job = await Job.fromId(queue, 's3-book');
    await job!.waitUntilFinished(events, 60_000);

    const storage = openStorage(output, config);
    cleanup.push(() => storage.close());
    const chunks: Uint8Array[] = [];
    for await (const chunk of storage.get('s3-book/manifest.json')) chunks.push(chunk);
    const manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Manifest;
    expect(manifest.segments).toHaveLength(plan.segments.length);

    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials });
    cleanup.push(() => Promise.resolve(client.destroy()));
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'books/nightly/s3-book/audio.mp3' }));
    expect(head.ContentLength).toBe(manifest.bytes);
    expect(head.ContentType).toBe('audio/mpeg');
  });
});
