import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderView } from '../../src/api/render-view.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { startWorkers, type WorkerRuntime } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { startS3Server, type S3TestServer } from '../support/s3-server.ts';
import { s3ConfigEnv } from '../support/s3-config-env.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, readEventStream, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

/** Audio of a render written to an S3 server: streamed through the API, or redirected to a presigned URL. */
describe('API audio from S3 output', () => {
  const API_KEY = 'sim-key-api-s3-0d7a';
  let s3: S3TestServer;
  let simulator: SenseAudioSimulator;
  let config: AppConfig;
  let workers: WorkerRuntime;
  let streaming: ApiHarness;
  let redirecting: ApiHarness;
  let id = '';
  let stored: Buffer;

  beforeAll(async () => {
    s3 = await startS3Server();
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 2 });
    config = testConfig({
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      ...s3ConfigEnv(s3),
      API_TOKENS: API_TOKEN,
      API_OUTPUT_ROOT: `s3://${s3.bucket}/books`,
      API_DEFAULT_OUTPUT: `s3://${s3.bucket}/books/default`,
    });
    workers = await startWorkers({ config, logger: pino({ level: 'silent' }), providers: ['senseaudio'] });
    const providers = new Map([[senseAudioDefinition.name, senseAudioDefinition]]);
    streaming = await startApi(config, { providers });
    redirecting = await startApi({ ...config, API_AUDIO_REDIRECT: true, API_AUDIO_URL_TTL_S: 120 }, { providers });

    const posted = await postJson(streaming, '/v1/renders', {
      text: '# One\nA short book on S3.\n\n# Two\nIt has two chapters.',
      provider: 'senseaudio',
      output: `s3://${s3.bucket}/books/api`,
    });
    expect(posted.status).toBe(202);
    ({ id } = (await posted.json()) as { id: string });
    const { events } = await readEventStream(await streaming.request(`/v1/renders/${id}/events`));
    expect((events.at(-1)?.data as RenderView).status).toBe('completed');
    const client = new S3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `books/api/${id}/${id}.mp3` }));
      stored = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    } finally {
      client.destroy();
    }
    expect(stored.length).toBeGreaterThan(1000);
  });

  afterAll(async () => {
    await redirecting?.close();
    await streaming?.close();
    await workers?.close(5000);
    await simulator?.close();
    await s3?.stop();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  });

  it('streams the S3 object through the API, ranges included', async () => {
    const whole = await streaming.request(`/v1/renders/${id}/audio`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-disposition')).toBe(`inline; filename="${id}.mp3"; filename*=UTF-8''${id}.mp3`);
    expect(whole.headers.get('content-length')).toBe(String(stored.length));
    expect(Buffer.from(await whole.arrayBuffer()).equals(stored)).toBe(true);
    const part = await streaming.request(`/v1/renders/${id}/audio`, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(stored.subarray(0, 100))).toBe(true);
  });

  it('with API_AUDIO_REDIRECT=true, redirects to a presigned URL that serves the same bytes without a token', async () => {
    const response = await redirecting.request(`/v1/renders/${id}/audio`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = response.headers.get('location') ?? '';
    // Untitled, the book is named after its id: <id>/<id>.mp3 (issue 11 item 6).
    expect(location.startsWith(`${s3.endpoint}/${s3.bucket}/books/api/${id}/${id}.mp3?`), location).toBe(true);
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('120');
    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition'), 'the presigned URL carries the file name').toBe(
      `inline; filename="${id}.mp3"; filename*=UTF-8''${id}.mp3`,
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(stored)).toBe(true);
  });

  it('refuses an S3 output outside API_OUTPUT_ROOT', async () => {
    const response = await postJson(streaming, '/v1/renders', {
      text: 'Elsewhere.',
      provider: 'senseaudio',
      output: `s3://${s3.bucket}/other`,
    });
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status).toBe(400);
    expect(answer.error).toMatchObject({ field: 'output', message: `output: must be inside s3://${s3.bucket}/books (API_OUTPUT_ROOT)` });
  });
});
