import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The API pointed at a Redis that is not there: it starts, stays alive, and answers 503. */
describe('API with Redis unreachable', () => {
  let config: AppConfig;
  let api: ApiHarness;

  beforeAll(async () => {
    config = testConfig({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, API_TOKENS: API_TOKEN });
    api = await startApi(config, { providers: new Map([[senseAudioDefinition.name, senseAudioDefinition]]) });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers 503 with Retry-After wherever Redis is needed', async () => {
    const requests: [string, RequestInit][] = [
      [
        '/v1/renders',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'Hello.', provider: 'senseaudio' }),
        },
      ],
      ['/v1/renders', {}],
      ['/v1/renders/some-render', {}],
      ['/v1/renders/some-render/events', {}],
      ['/v1/renders/some-render/audio', {}],
    ];
    for (const [path, init] of requests) {
      const response = await api.request(path, init);
      const answer = (await response.json()) as ApiErrorBody;
      expect(response.status, `${init.method ?? 'GET'} ${path}: ${JSON.stringify(answer)}`).toBe(503);
      expect(answer.error.code).toBe('REDIS_UNAVAILABLE');
      expect(response.headers.get('retry-after')).toBe('5');
    }
  });

  it('still checks input first: bad input is 400, not 503', async () => {
    const response = await postJson(api, '/v1/renders', { text: 'Hello.', provider: 'senseaudio', speed: 9 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ApiErrorBody).error.field).toBe('speed');
  });

  it('/healthz is 200 (the process is alive); /readyz is 503 and says Redis', async () => {
    const health = await api.request('/healthz', { token: null });
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await api.request('/readyz', { token: null });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^Redis does not answer/) as unknown });
  });
});
