import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { countCodePoints } from '../../src/text/count-units.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import type { TextLimits } from '../../src/providers/provider.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli } from '../support/run-cli.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { s3ConfigEnv } from '../support/s3-config-env.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';
import { reportFigure } from '../chaos/support/figures.ts';
import { dumpPrefix } from '../chaos/support/redis-dump.ts';
import { openRenderDriver } from '../chaos/support/render-driver.ts';
import { startRestartableS3 } from '../chaos/support/restartable-s3.ts';
import { findNeedles, needlesFor } from '../chaos/support/secret-needles.ts';
import { killAll } from '../chaos/support/kill-all.ts';

/**
 * Chaos scenario 7 (docs/reliability.md): after renders that succeed and renders that fail, with
 * a SenseAudio key and S3 credentials set (random, so any trace of them is found), no key or token
 * is in Redis, the workers' debug logs, the manifest, the stored objects or the status output,
 * in any encoding. The failures are hostile on purpose: the provider echoes the key in its error
 * message, and S3 echoes the access key id in its error body.
 */

const LIMITS: TextLimits = { targetUnits: 200, maxUnits: 400, count: countCodePoints };
const OPTIONS = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });

async function readAll(body: unknown): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('chaos (fast): no secret in Redis, logs, manifest, objects or error texts', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('after a completed render, a provider failure that echoes the key and an S3 failure that echoes the access key', async () => {
    const apiKey = `sk-${randomBytes(24).toString('base64url')}`;
    const s3 = await startRestartableS3();
    cleanup.push(() => s3.close());
    const simulator = await startSenseAudioSimulator({
      apiKey,
      msPerChar: 1,
      // A provider that quotes the request's key back in its error message.
      faults: (_number, body) =>
        JSON.stringify(body).includes('forbidden')
          ? { kind: 'business', code: 2013, message: `invalid params for key ${apiKey} (Authorization: Bearer ${apiKey})` }
          : null,
    });
    cleanup.push(() => simulator.close());
    const config = testConfig();
    cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const env = {
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      LOG_LEVEL: 'debug',
      SENSEAUDIO_API_KEY: apiKey,
      SENSEAUDIO_BASE_URL: simulator.url,
      ...s3ConfigEnv(s3),
      RETRY_BACKOFF_MS: '50',
    };
    const workers: WorkerProcess[] = [spawnWorker(env, ['--providers', 'senseaudio']), spawnWorker(env, ['--providers', 'senseaudio'])];
    cleanup.push(() => killAll(workers));
    await Promise.all(workers.map((worker) => worker.ready));
    const driver = await openRenderDriver(config.REDIS_URL, config.QUEUE_PREFIX, { attempts: 2, backoffMs: 50 });
    cleanup.push(() => driver.close());
    const output = describeLocation(`s3://${s3.bucket}/secrets`);

    await driver.enqueue({ id: 'secret-ok', plan: planRender(makeSampleBook(3000, 8), LIMITS), options: OPTIONS, output });
    const ok = await driver.ended('secret-ok', 60_000);
    expect(ok.status, ok.error).toBe('completed');

    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials });
    cleanup.push(() => Promise.resolve(client.destroy()));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    const haystacks = new Map<string, Buffer | string>();
    for (const object of listed.Contents ?? []) {
      const key = object.Key ?? '';
      haystacks.set(`s3 object ${key}`, await readAll((await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body));
    }
    expect([...haystacks.keys()], 'the manifest must be among the objects searched').toContain('s3 object secrets/secret-ok/manifest.json');

    await driver.enqueue({
      id: 'secret-provider-fails',
      plan: planRender('Chapter 9\n\nThe forbidden sentence is here.', LIMITS),
      options: OPTIONS,
      output,
    });
    const providerFailed = await driver.ended('secret-provider-fails', 60_000);
    expect(providerFailed.status).toBe('failed');
    expect(providerFailed.error, 'the provider’s own words, with the key taken out').toMatch(/code 2013: .*\[redacted\]/);

    s3.revokeCredentials();
    await driver.enqueue({
      id: 'secret-storage-fails',
      plan: planRender('Chapter 1\n\nA sentence no bucket will take.', LIMITS),
      options: OPTIONS,
      output,
    });
    const storageFailed = await driver.ended('secret-storage-fails', 60_000);
    expect(storageFailed.status).toBe('failed');
    expect(storageFailed.error).toMatch(/InvalidAccessKeyId|403/);

    const statusEnv = { REDIS_URL: config.REDIS_URL, QUEUE_PREFIX: config.QUEUE_PREFIX };
    for (const id of ['secret-ok', 'secret-provider-fails', 'secret-storage-fails']) {
      const status = await runCli(['status', id], statusEnv);
      expect(status.code, status.stderr).toBe(0);
      haystacks.set(`tts-batch status ${id}`, status.stdout + status.stderr);
    }
    const dump = await dumpPrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    haystacks.set(`Redis (${dump.keys} keys under ${config.QUEUE_PREFIX}:)`, dump.bytes);
    workers.forEach((worker, index) => haystacks.set(`worker ${index + 1} stderr (LOG_LEVEL=debug)`, worker.stderr()));
    // What was searched really holds the failures and the debug lines, not just empty space.
    expect(dump.bytes.toString('utf8')).toContain('[redacted]');
    expect(workers.map((worker) => worker.stderr()).join('')).toMatch(/"level":20/);
    expect(Object.keys(dump.types).sort()).toEqual(expect.arrayContaining(['hash', 'set', 'stream', 'zset']));

    const needles = [
      ...needlesFor('SENSEAUDIO_API_KEY', apiKey),
      ...needlesFor('AWS_ACCESS_KEY_ID', s3.credentials.accessKeyId),
      ...needlesFor('AWS_SECRET_ACCESS_KEY', s3.credentials.secretAccessKey),
    ];
    // The search itself works: a key hidden base64-encoded inside a longer value is found.
    const control = new Map([['control', `token=${Buffer.from(`Bearer ${apiKey}`).toString('base64')}`]]);
    expect(findNeedles(control, needles), 'the needle search misses an encoded key').not.toEqual([]);
    expect(findNeedles(haystacks, needles)).toEqual([]);

    const bytes = [...haystacks.values()].reduce((sum, h) => sum + (Buffer.isBuffer(h) ? h.length : Buffer.byteLength(h)), 0);
    reportFigure(
      'secrets',
      `3 renders (1 completed, 1 failed by a provider echoing the key, 1 failed by S3 echoing the access key); searched ${haystacks.size} sources, ${bytes} bytes ` +
        `(Redis: ${dump.keys} keys, ${Object.entries(dump.types)
          .map(([t, n]) => `${n} ${t}`)
          .join(', ')}; ${listed.KeyCount ?? 0} S3 objects; debug logs of 2 workers; 3 status outputs) ` +
        `for 3 secrets in ${needles.length} encodings: 0 found`,
    );
  }, 120_000);
});
