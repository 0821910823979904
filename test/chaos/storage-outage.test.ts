import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { countCodePoints } from '../../src/text/count-units.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import type { TextLimits } from '../../src/providers/provider.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { STITCH_QUEUE } from '../../src/queue/queue-names.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { startWorkers } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { s3ConfigEnv } from '../support/s3-config-env.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { settledFlag } from './support/chaos-clock.ts';
import { reportFigure } from './support/figures.ts';
import { renderUndisturbed } from './support/reference-render.ts';
import { openRenderDriver } from './support/render-driver.ts';
import { startRestartableS3 } from './support/restartable-s3.ts';

const LIMITS: TextLimits = { targetUnits: 200, maxUnits: 400, count: countCodePoints };
const MS_PER_CHAR = 3;
/** How long the S3 server stays down, cut in the middle of the upload of the finished book. */
const S3_DOWN_MS = Number(process.env.CHAOS_S3_DOWN_MS ?? 3000);
/** Stitch attempts = max(3, ceil(10 / 2)) = 5; their shortest backoffs add up to 1000 × (1+2+4+8) × 0.5 = 7.5 s. */
const RETRY = { attempts: 10, backoffMs: 1000 };
const RENDER_ID = 'storage-outage';
const PREFIX = 'chaos/storage';

type Observation = { at: number; size: number } | { at: number; missing: true } | { at: number; error: string };

async function bodyBytes(body: AsyncIterable<Uint8Array> | undefined): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body ?? []) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('chaos: the S3 server dies in the middle of the upload of the stitched book, and comes back', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('retries the stitch; the final key never shows a partial object; the audio equals an undisturbed render', async () => {
    const plan = planRender(makeSampleBook(12_000, 4), LIMITS);
    const options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    const reference = await renderUndisturbed(plan, options, { msPerChar: MS_PER_CHAR });

    const s3 = await startRestartableS3();
    cleanup.push(() => s3.close());
    const apiKey = `sk-chaos-${randomBytes(12).toString('hex')}`;
    const simulator = await startSenseAudioSimulator({ apiKey, msPerChar: MS_PER_CHAR });
    cleanup.push(() => simulator.close());
    const config = testConfig({
      SENSEAUDIO_API_KEY: apiKey,
      SENSEAUDIO_BASE_URL: simulator.url,
      ...s3ConfigEnv(s3),
      RETRY_ATTEMPTS: String(RETRY.attempts),
      RETRY_BACKOFF_MS: String(RETRY.backoffMs),
    });
    cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const runtime = await startWorkers({ config, logger: pino({ level: 'silent' }), providers: ['senseaudio'] });
    cleanup.push(() => runtime.close(5000));
    const driver = await openRenderDriver(config.REDIS_URL, config.QUEUE_PREFIX, RETRY);
    cleanup.push(() => driver.close());
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: s3.credentials,
      maxAttempts: 1,
    });
    cleanup.push(() => Promise.resolve(client.destroy()));

    const finalKey = `${PREFIX}/${RENDER_ID}/audio.mp3`;
    const cut = s3.stopDuring((method, path) => (method === 'PUT' || method === 'POST') && path === `/${s3.bucket}/${finalKey}`);
    await driver.enqueue({ id: RENDER_ID, plan, options, output: describeLocation(`s3://${s3.bucket}/${PREFIX}`) });
    const ended = driver.ended(RENDER_ID, 300_000);
    const over = settledFlag(ended);

    // Observing, not waiting for an event: HEAD the final key until the render ends (bounded).
    const observations: Observation[] = [];
    const watching = (async () => {
      for (let polls = 0; polls < 20_000; polls += 1) {
        const finished = over.done; // one more HEAD after the end, to see the finished object
        const at = Date.now();
        try {
          const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: finalKey }));
          observations.push({ at, size: head.ContentLength ?? -1 });
        } catch (error) {
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          observations.push(status === 404 ? { at, missing: true } : { at, error: error instanceof Error ? error.name : String(error) });
        }
        if (finished) break;
        await delay(20);
      }
    })();

    const interrupted = await cut;
    const downAt = Date.now();
    await delay(S3_DOWN_MS); // the outage itself: how long the server stays away
    const restartAt = Date.now();
    await s3.start();
    const upAt = Date.now();
    const state = await ended;
    await watching;
    expect(state.status, `render ended ${state.status}: ${state.error ?? ''}`).toBe('completed');

    const manifest = JSON.parse(
      (
        await bodyBytes(
          (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/${RENDER_ID}/manifest.json` })))
            .Body as AsyncIterable<Uint8Array>,
        )
      ).toString('utf8'),
    ) as Manifest;
    const final = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: finalKey }));
    expect(final.ContentLength).toBe(manifest.bytes);
    const sizes = observations.flatMap((o) => ('size' in o ? [o.size] : []));
    expect(
      sizes.filter((size) => size !== manifest.bytes),
      'HEAD saw a partial object at the final key',
    ).toEqual([]);
    const refusedWhileDown = observations.filter((o) => o.at >= downAt && o.at < restartAt && 'error' in o);
    expect(refusedWhileDown.length, 'the watcher must have been watching while the server was down').toBeGreaterThan(0);

    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${PREFIX}/${RENDER_ID}/` }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual([finalKey, `${PREFIX}/${RENDER_ID}/manifest.json`]);

    const stitchQueue = new Queue(STITCH_QUEUE, { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    cleanup.push(() => stitchQueue.close());
    const stitchJob = await stitchQueue.getJob(RENDER_ID);
    expect(stitchJob?.attemptsMade, 'the stitch must have failed at least once and been retried').toBeGreaterThanOrEqual(2);

    const dir = await mkdtemp(join(tmpdir(), 'ttsb-chaos-s3-audio-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const audioPath = join(dir, 'audio.mp3');
    await writeFile(
      audioPath,
      await bodyBytes((await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: finalKey }))).Body as AsyncIterable<Uint8Array>),
    );
    const digest = await mp3FrameDigest([audioPath]);
    expect(digest, 'stitched frames must equal the undisturbed render').toEqual(reference.digest);

    const missing = observations.filter((o) => 'missing' in o).length;
    reportFigure(
      'storage outage',
      `${plan.segments.length} segments; S3 cut during ${interrupted.method} of the final object, down ${((upAt - downAt) / 1000).toFixed(1)} s; ` +
        `stitch attempts ${stitchJob?.attemptsMade ?? '?'}; ${observations.length} HEADs of the final key: ${missing} absent, ${sizes.length} complete (${manifest.bytes} bytes), ` +
        `${observations.length - missing - sizes.length} refused (server down), 0 partial; frames identical (${digest.frames})`,
    );
  }, 400_000);
});
