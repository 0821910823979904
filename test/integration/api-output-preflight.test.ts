import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { startBlackHole, type BlackHole } from '../support/black-hole.ts';
import { s3ConfigEnv } from '../support/s3-config-env.ts';
import { startS3Server, type S3TestServer } from '../support/s3-server.ts';
import { countKeys, deletePrefix, testConfig } from '../support/test-config.ts';
import { postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

const PROVIDERS = new Map([[senseAudioDefinition.name, senseAudioDefinition]]);
const BOOK = { text: 'Hello there. A short text.', provider: 'senseaudio' };

/**
 * Issue #8 item 3, over real HTTP against a real S3 server: POST /v1/renders proves the output
 * takes a write before enqueueing, and answers 422 OUTPUT_NOT_WRITABLE (field `output`, one
 * line naming the output and the cause) when it does not. Redis stays empty.
 */
describe('API: the output is checked before enqueue', () => {
  let s3: S3TestServer;
  let hole: BlackHole;
  let dir: string;
  const apis: { api: ApiHarness; config: AppConfig }[] = [];

  async function api(env: Record<string, string>): Promise<{ api: ApiHarness; config: AppConfig }> {
    const config = testConfig({
      API_TOKENS: 'api-test-token-5d1c0a9e7b3f',
      API_DEFAULT_OUTPUT: join(dir, 'renders'),
      API_OUTPUT_ANY: 'true',
      ...env,
    });
    const started = { api: await startApi(config, { providers: PROVIDERS }), config };
    apis.push(started);
    return started;
  }

  async function refused(target: ApiHarness, body: unknown): Promise<ApiErrorBody['error'] & { retryable?: boolean }> {
    const response = await postJson(target, '/v1/renders', body);
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status, JSON.stringify(answer)).toBe(422);
    expect(answer.error.code).toBe('OUTPUT_NOT_WRITABLE');
    expect(answer.error.field).toBe('output');
    expect(answer.error.message.split('\n')).toHaveLength(1);
    return answer.error;
  }

  beforeAll(async () => {
    s3 = await startS3Server();
    hole = await startBlackHole();
    dir = await mkdtemp(join(tmpdir(), 'ttsb-api-preflight-'));
    await writeFile(join(dir, 'a-file'), 'not a folder');
  });

  afterAll(async () => {
    for (const { api: started, config } of apis) {
      await started.close();
      await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    }
    await hole?.close();
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('no such bucket, and a local folder blocked by a file: 422, nothing in Redis; a writable bucket: 202', async () => {
    const { api: target, config } = await api(s3ConfigEnv(s3));
    const bucket = await refused(target, { ...BOOK, output: 's3://no-such-bucket-here/p' });
    expect(bucket.message).toBe('output: s3://no-such-bucket-here/p is not writable: no such bucket (NoSuchBucket) (HTTP 404)');
    expect(bucket.retryable).toBe(false);
    const folder = await refused(target, { ...BOOK, output: join(dir, 'a-file', 'out') });
    expect(folder.message).toMatch(
      /^output: file:\/\/.*\/a-file\/out is not writable: a part of the path is a file, not a folder \(ENOTDIR\)$/,
    );
    expect(await countKeys(config.REDIS_URL, config.QUEUE_PREFIX), 'nothing may be enqueued').toBe(0);

    const accepted = await postJson(target, '/v1/renders', { ...BOOK, output: `s3://${s3.bucket}/fine` });
    expect(accepted.status, await accepted.clone().text()).toBe(202);
  });

  it('an access key the server does not know: 422 naming InvalidAccessKeyId and HTTP 403, without the key', async () => {
    const { api: target, config } = await api({
      ...s3ConfigEnv(s3),
      AWS_ACCESS_KEY_ID: 'AKIDNOSUCHKEY0000000',
      AWS_SECRET_ACCESS_KEY: 'wrong-secret-value-1234',
    });
    const error = await refused(target, { ...BOOK, output: `s3://${s3.bucket}/p` });
    expect(error.message).toMatch(
      /^output: s3:\/\/tts-batch-test\/p is not writable: the server does not know this access key \(InvalidAccessKeyId\); check AWS_ACCESS_KEY_ID \(HTTP 403\)$/,
    );
    expect(JSON.stringify(error)).not.toMatch(/wrong-secret-value/);
    expect(await countKeys(config.REDIS_URL, config.QUEUE_PREFIX)).toBe(0);
  });

  it('an endpoint that never answers: 422 within STORAGE_PREFLIGHT_TIMEOUT_MS (one attempt, no SDK retries)', async () => {
    const { api: target, config } = await api({
      ...s3ConfigEnv(s3),
      S3_ENDPOINT: `http://127.0.0.1:${hole.port}`,
      STORAGE_PREFLIGHT_TIMEOUT_MS: '500',
    });
    const started = Date.now();
    const error = await refused(target, { ...BOOK, output: `s3://${s3.bucket}/p` });
    const elapsedMs = Date.now() - started;
    expect(error.message).toMatch(/is not writable: (no answer within 500 ms|.*TimeoutError)/);
    // 500 ms of waiting, plus the request's own work on a loaded machine.
    expect(elapsedMs).toBeLessThan(2500);
    console.error(`[preflight] unanswering endpoint refused in ${elapsedMs} ms`);
    expect(await countKeys(config.REDIS_URL, config.QUEUE_PREFIX)).toBe(0);
  });
});
