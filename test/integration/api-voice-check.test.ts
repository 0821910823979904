import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { cosyVoiceDefinition } from '../../src/providers/cosyvoice/definition.ts';
import { senseNovaDefinition } from '../../src/providers/sensenova/definition.ts';
import { countKeys, deletePrefix, testConfig } from '../support/test-config.ts';
import { postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

/** Issue #8 item 3 over real HTTP: an unknown voice is a 400 naming the field, and Redis stays empty. */
describe('API refuses an unknown voice before enqueue', () => {
  let config: AppConfig;
  let api: ApiHarness;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ttsb-api-voice-'));
    config = testConfig({ API_TOKENS: 'api-test-token-5d1c0a9e7b3f', API_DEFAULT_OUTPUT: join(root, 'renders') });
    api = await startApi(config, { providers: new Map([senseNovaDefinition, cosyVoiceDefinition].map((d) => [d.name, d])) });
  });
  afterAll(async () => {
    await api?.close();
    await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    await rm(root, { recursive: true, force: true });
  });

  it.each([
    [{ provider: 'sensenova', voice: 'klingon' }, 'voice', /^sensenova has no voice "klingon"; its 36 voices/],
    [{ provider: 'sensenova', blend: [{ voice: 'nobody', weight: 0.5 }] }, 'blend.0.voice', /^sensenova has no voice "nobody"/],
    [{ provider: 'cosyvoice', voice: 'klingon' }, 'voice', /^cosyvoice has no voice "klingon"; its 85 voices/],
  ])('%j: 400 naming %s', async (fields, field, rule) => {
    const response = await postJson(api, '/v1/renders', { text: 'Hello there.', ...fields });
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status, JSON.stringify(answer)).toBe(400);
    expect(answer.error.field).toBe(field);
    expect(answer.error.issues?.[0]?.message).toMatch(rule);
    expect(await countKeys(config.REDIS_URL, config.QUEUE_PREFIX)).toBe(0);
  });
});
