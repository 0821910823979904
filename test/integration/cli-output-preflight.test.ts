import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closedPort, startBlackHole, type BlackHole } from '../support/black-hole.ts';
import { runCli } from '../support/run-cli.ts';
import { startS3Server, type S3TestServer } from '../support/s3-server.ts';
import { countKeys, deletePrefix, uniquePrefix } from '../support/test-config.ts';

/**
 * Issue #8 item 3: `--out s3://…` with settings that cannot work used to enqueue (exit 0), run
 * "running" for minutes and fail after every retry. The CLI now proves the output takes a write
 * before enqueueing: exit 2, one line naming the output and the cause, nothing in Redis, nothing
 * left in the bucket.
 */
describe('tts-batch render checks that the output is writable before it enqueues', () => {
  const redisUrl = inject('redisUrl');
  let s3: S3TestServer;
  let dir: string;
  let book: string;
  let hole: BlackHole;
  const prefixes: string[] = [];

  beforeAll(async () => {
    s3 = await startS3Server();
    hole = await startBlackHole();
    dir = await mkdtemp(join(tmpdir(), 'ttsb-preflight-'));
    book = join(dir, 'book.txt');
    await writeFile(book, 'Chapter 1\n\nHello there. A short book.\n');
    await writeFile(join(dir, 'a-file'), 'not a folder');
  });

  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(redisUrl, prefix);
    await hole?.close();
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** The environment of a user whose only S3 settings are the ones given: no profile, no instance role. */
  function env(prefix: string, s3Env: Record<string, string>): Record<string, string> {
    return {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SENSEAUDIO_API_KEY: 'k',
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_EC2_METADATA_DISABLED: 'true',
      STORAGE_PREFLIGHT_TIMEOUT_MS: '1000',
      ...s3Env,
    };
  }

  function s3Env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      ...overrides,
    };
  }

  async function objectsUnder(prefix: string): Promise<string[]> {
    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials });
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
      return (listed.Contents ?? []).map((object) => object.Key ?? '');
    } finally {
      client.destroy();
    }
  }

  const cases: { name: string; out: () => string; env: () => Record<string, string>; expected: () => RegExp }[] = [
    {
      name: 'no credentials anywhere',
      out: () => `s3://${s3.bucket}/nocreds`,
      env: () => {
        const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...rest } = s3Env();
        return rest;
      },
      expected: () => /output: s3:\/\/tts-batch-test\/nocreds is not writable: no S3 credentials found \(set AWS_ACCESS_KEY_ID/,
    },
    {
      name: 'an access key the server does not know (403)',
      out: () => `s3://${s3.bucket}/badkey`,
      env: () => s3Env({ AWS_ACCESS_KEY_ID: 'AKIDNOSUCHKEY0000000', AWS_SECRET_ACCESS_KEY: 'wrong-secret-value-1234' }),
      expected: () =>
        /output: s3:\/\/tts-batch-test\/badkey is not writable: the server does not know this access key \(InvalidAccessKeyId\).* \(HTTP 403\)$/,
    },
    {
      name: 'no such bucket',
      out: () => 's3://no-such-bucket-here/p',
      env: () => s3Env(),
      expected: () => /output: s3:\/\/no-such-bucket-here\/p is not writable: no such bucket \(NoSuchBucket\) \(HTTP 404\)$/,
    },
    {
      name: 'an endpoint nothing listens on',
      out: () => `s3://${s3.bucket}/refused`,
      env: () => s3Env({ S3_ENDPOINT: `http://127.0.0.1:${closedPortNumber}` }),
      expected: () =>
        /output: s3:\/\/tts-batch-test\/refused is not writable: endpoint unreachable \(connection refused\); check S3_ENDPOINT$/,
    },
    {
      name: 'an endpoint that never answers (bounded by STORAGE_PREFLIGHT_TIMEOUT_MS)',
      out: () => `s3://${s3.bucket}/hole`,
      env: () => s3Env({ S3_ENDPOINT: `http://127.0.0.1:${hole.port}` }),
      expected: () => /output: s3:\/\/tts-batch-test\/hole is not writable: no answer within 1000 ms \(endpoint unreachable or too slow\)$/,
    },
    {
      name: 'a local folder that cannot be created (a file is in the way)',
      out: () => join(dir, 'a-file', 'renders'),
      env: () => ({}),
      expected: () => /output: file:\/\/.*\/a-file\/renders is not writable: a part of the path is a file, not a folder \(ENOTDIR\)$/,
    },
  ];

  let closedPortNumber = 0;
  beforeAll(async () => {
    closedPortNumber = await closedPort();
  });

  for (const testCase of cases) {
    it(`${testCase.name}: exit 2, one line, nothing enqueued or left behind`, async () => {
      const prefix = uniquePrefix('cli-preflight');
      prefixes.push(prefix);
      const started = Date.now();
      const result = await runCli(['render', book, '--provider', 'senseaudio', '--out', testCase.out()], env(prefix, testCase.env()));
      const elapsedMs = Date.now() - started;
      expect(result.code, `stderr: ${result.stderr}`).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines, `expected exactly one line on stderr, got:\n${result.stderr}`).toHaveLength(1);
      expect(lines[0]).toMatch(/^tts-batch: output: /);
      expect(lines[0]).toMatch(testCase.expected());
      expect(lines[0], 'no secret in the message').not.toMatch(/wrong-secret-value|S3RVER/);
      expect(result.stdout).toBe('');
      expect(await countKeys(redisUrl, prefix), 'nothing may be enqueued').toBe(0);
      // The run ended at all: without the check's bound (one attempt, STORAGE_PREFLIGHT_TIMEOUT_MS)
      // the unanswering endpoint kept the process alive for good. The bound itself is timed in
      // api-output-preflight.test.ts, in process, where Node's start-up does not blur it.
      console.error(`[preflight] ${testCase.name}: exit ${String(result.code)} in ${elapsedMs} ms`);
    });
  }

  it('a writable bucket: enqueued as before, and the probe object is gone', async () => {
    const prefix = uniquePrefix('cli-preflight');
    prefixes.push(prefix);
    const result = await runCli(['render', book, '--provider', 'senseaudio', '--out', `s3://${s3.bucket}/fine`], env(prefix, s3Env()));
    expect(result.code, `stderr: ${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/^\S+\n$/);
    expect(await countKeys(redisUrl, prefix)).toBeGreaterThan(0);
    expect(await objectsUnder('fine/'), 'the probe is deleted again').toEqual([]);
  });
});
