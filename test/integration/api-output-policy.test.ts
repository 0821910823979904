import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { countKeys, deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

const valid = { text: 'Hello there. A short text.', provider: 'senseaudio' };

/**
 * With API_OUTPUT_ROOT unset, API renders may write only under API_DEFAULT_OUTPUT; anything
 * wider needs API_OUTPUT_ANY=true. Webhook URLs to internal addresses are refused (400 naming
 * webhook.url) unless WEBHOOK_ALLOW_HOSTS lists them. No worker runs: nothing is written.
 */
describe('API output and webhook restrictions by default', () => {
  let root: string;
  const apis: ApiHarness[] = [];
  const configs: AppConfig[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ttsb-api-outputs-'));
  });

  afterAll(async () => {
    await Promise.allSettled(apis.map((api) => api.close()));
    for (const config of configs) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    await rm(root, { recursive: true, force: true });
  });

  async function api(env: Record<string, string>): Promise<{ api: ApiHarness; config: AppConfig }> {
    const config = testConfig({ API_TOKENS: API_TOKEN, API_DEFAULT_OUTPUT: join(root, 'renders'), ...env });
    configs.push(config);
    const started = await startApi(config);
    apis.push(started);
    return { api: started, config };
  }

  async function refused(harness: ApiHarness, body: unknown, field: string): Promise<string> {
    const response = await postJson(harness, '/v1/renders', body);
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status, JSON.stringify(answer)).toBe(400);
    expect(answer.error.field).toBe(field);
    return answer.error.message;
  }

  it('refuses an output outside API_DEFAULT_OUTPUT when API_OUTPUT_ROOT is unset, before Redis is touched', async () => {
    const { api: harness, config } = await api({});
    const defaultUrl = pathToFileURL(join(root, 'renders')).href;
    for (const output of ['/etc', join(root, 'elsewhere'), join(root, 'renders-other'), join(root, 'renders', '..', 'up')]) {
      expect(await refused(harness, { ...valid, output }, 'output'), output).toBe(
        `output: must be inside ${defaultUrl} (API_DEFAULT_OUTPUT; set API_OUTPUT_ROOT to allow more, or API_OUTPUT_ANY=true for any location)`,
      );
    }
    expect(await countKeys(config.REDIS_URL, config.QUEUE_PREFIX)).toBe(0);
    const inside = await postJson(harness, '/v1/renders', { ...valid, output: join(root, 'renders', 'team-a') });
    expect(inside.status).toBe(202);
    expect((await postJson(harness, '/v1/renders', valid)).status).toBe(202);
  });

  it('API_OUTPUT_ANY=true is the explicit opt-in to any location', async () => {
    const { api: harness } = await api({ API_OUTPUT_ANY: 'true' });
    const response = await postJson(harness, '/v1/renders', { ...valid, output: join(root, 'elsewhere') });
    expect(response.status).toBe(202);
  });

  it('refuses webhooks to loopback, link-local and private addresses, and non-http schemes', async () => {
    const { api: harness, config } = await api({});
    const secret = 'a-long-webhook-secret-0123';
    for (const url of [
      'http://169.254.169.254/latest/meta-data/iam',
      'http://127.0.0.1:6379/',
      'http://10.0.0.5/hook',
      'http://192.168.0.10/',
      'http://localhost/hook',
    ]) {
      expect(await refused(harness, { ...valid, webhook: { url, secret } }, 'webhook.url'), url).toMatch(
        /^webhook\.url: must not point inside the deployment's network \(.+\); list internal receivers in WEBHOOK_ALLOW_HOSTS$/,
      );
    }
    expect(await refused(harness, { ...valid, webhook: { url: 'file:///etc/passwd', secret } }, 'webhook.url')).toMatch(/^webhook\.url: /);
    expect(await countKeys(config.REDIS_URL, config.QUEUE_PREFIX)).toBe(0);
    expect((await postJson(harness, '/v1/renders', { ...valid, webhook: { url: 'https://hooks.example.com/tts', secret } })).status).toBe(
      202,
    );
  });

  it('WEBHOOK_ALLOW_HOSTS lets an internal receiver through', async () => {
    const { api: harness } = await api({ WEBHOOK_ALLOW_HOSTS: '10.0.0.0/8,hooks.internal' });
    const secret = 'a-long-webhook-secret-0123';
    expect((await postJson(harness, '/v1/renders', { ...valid, webhook: { url: 'http://10.0.0.5/hook', secret } })).status).toBe(202);
    expect((await postJson(harness, '/v1/renders', { ...valid, webhook: { url: 'http://hooks.internal:8080/tts', secret } })).status).toBe(
      202,
    );
    expect(await refused(harness, { ...valid, webhook: { url: 'http://169.254.169.254/', secret } }, 'webhook.url')).toMatch(
      /169\.254\.169\.254/,
    );
  });
});
