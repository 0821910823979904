import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { ai302Definition } from '../../src/providers/ai302/definition.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

/** POST /v1/renders takes provider settings by name in `settings`; the flat fields stay as aliases. */
describe('API provider settings', () => {
  let config: AppConfig;
  let api: ApiHarness;
  let redis: Redis;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ttsb-api-settings-'));
    config = testConfig({ API_TOKENS: API_TOKEN, API_DEFAULT_OUTPUT: join(root, 'renders') });
    api = await startApi(config, { providers: new Map([senseAudioDefinition, ai302Definition].map((d) => [d.name, d])) });
    redis = new Redis(config.REDIS_URL);
  });

  afterAll(async () => {
    redis?.disconnect();
    await api?.close();
    await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    await rm(root, { recursive: true, force: true });
  });

  const valid = { text: 'Hello there. A short text.', provider: 'senseaudio' };

  it('takes a setting that has no flat field, beside a flat one, and stores both with the render', async () => {
    const response = await postJson(api, '/v1/renders', { ...valid, speed: 1.1, settings: { latex_read: true, pitch: 2 } });
    const accepted = (await response.json()) as { id: string };
    expect(response.status, JSON.stringify(accepted)).toBe(202);
    const state = await new RenderStore(redis, config.QUEUE_PREFIX).get(accepted.id);
    expect(state?.spec.voiceSettings).toEqual({ speed: 1.1, latex_read: true, pitch: 2 });
  });

  it.each([
    ['out of range', { settings: { speed: 5 } }, 'speed', /<=\s*2.*senseaudio/],
    ['a setting the provider lacks', { settings: { temperature: 0.5 } }, 'temperature', /senseaudio has no such setting/],
    ['a setting of the wrong type', { settings: { latex_read: 'yes' } }, 'latex_read', /expected boolean/],
    ['given both ways', { speed: 1.1, settings: { speed: 1.2 } }, 'speed', /given both as a field and in settings; give it once/],
    ['settings that are not an object', { settings: [1] }, 'settings', /invalid_type/],
    [
      'a cross-setting rule of the provider',
      { provider: 'ai302', settings: { refText: ['hello'] } },
      'refText',
      /give the clips with refAudio/,
    ],
  ])('%s: 400 naming the setting', async (_name, fields, field, rule) => {
    const response = await postJson(api, '/v1/renders', { ...valid, ...fields });
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status, JSON.stringify(answer)).toBe(400);
    expect(answer.error.field).toBe(field);
    const issue = answer.error.issues?.find((i) => i.field === field);
    expect(`${issue?.rule} ${issue?.message}`).toMatch(rule);
  });
});
