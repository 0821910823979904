import { Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { segmentJobId, synthesizeQueueName } from '../../src/queue/queue-names.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { startWorkers } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { s3ConfigEnv } from '../support/s3-config-env.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { openRenderDriver } from '../chaos/support/render-driver.ts';
import { startRestartableS3 } from '../chaos/support/restartable-s3.ts';

/**
 * Found by the secrets chaos scenario: a storage that refuses the segment's cache lookup (S3
 * credentials revoked, bucket gone) failed the job before the processor's failure handling, so
 * the render stayed "running" forever and no render-ended event was ever published.
 * Since issue #8 a 403 is not retryable (StorageError.retryable, read by classifyFailure): the
 * render fails at the first refusal instead of spending every attempt on it.
 */
describe('chaos (fast): a storage that refuses every call', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('fails the render, with the storage’s reason, at the first 403: no attempt is spent on retrying it', async () => {
    const s3 = await startRestartableS3();
    cleanup.push(() => s3.close());
    const simulator = await startSenseAudioSimulator({ apiKey: 'k', msPerChar: 1 });
    cleanup.push(() => simulator.close());
    const config = testConfig({
      SENSEAUDIO_API_KEY: 'k',
      SENSEAUDIO_BASE_URL: simulator.url,
      ...s3ConfigEnv(s3),
    });
    cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const runtime = await startWorkers({ config, logger: pino({ level: 'silent' }), providers: ['senseaudio'] });
    cleanup.push(() => runtime.close(5000));
    const driver = await openRenderDriver(config.REDIS_URL, config.QUEUE_PREFIX, { attempts: 3, backoffMs: 50 });
    cleanup.push(() => driver.close());

    s3.revokeCredentials();
    const options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3' });
    await driver.enqueue({
      id: 'refused',
      // One segment, so the first 403 is segment 0's (a heading would now be a segment of its own).
      plan: planRender('No bucket will take this.', senseAudioDefinition.limits),
      options,
      output: describeLocation(`s3://${s3.bucket}/p`),
    });
    const state = await driver.ended('refused', 30_000);

    expect(state.status).toBe('failed');
    expect(state.error).toMatch(/^segment 0: head ".*" in s3:\/\/tts-batch-chaos\/p failed: .*HTTP 403/);
    expect(simulator.requests, 'nothing is spoken that cannot be stored').toHaveLength(0);
    const queue = new Queue(synthesizeQueueName('senseaudio'), { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    cleanup.push(() => queue.close());
    const job = await queue.getJob(segmentJobId('refused', 0));
    expect(job?.attemptsMade, 'a 403 is not retryable: one attempt of the three allowed').toBe(1);
  }, 60_000);
});
