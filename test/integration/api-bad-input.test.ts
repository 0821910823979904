import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../src/api/server.ts';
import { loadConfig, type AppConfig } from '../../src/runtime/app-config.ts';
import { ConfigError } from '../../src/errors/config-error.ts';
import type { ProviderDefinition } from '../../src/providers/provider-definition.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { countKeys, deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

/** A provider with no default voice, so a render must name one. */
const voiceRequired: ProviderDefinition = { ...senseAudioDefinition, name: 'voicerequired', defaultVoice: '' };

/**
 * Bad input over real HTTP: each request is refused with a status and a body naming the field and
 * the rule, before anything reaches Redis, so the test's private prefix stays empty.
 */
describe('API input checks', () => {
  let config: AppConfig;
  let api: ApiHarness;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ttsb-api-input-'));
    config = testConfig({
      API_TOKENS: `${API_TOKEN},second-token-abcdef123456`,
      API_BODY_LIMIT: '4096',
      API_MAX_TEXT_CHARS: '1000',
      API_OUTPUT_ROOT: root,
      API_DEFAULT_OUTPUT: join(root, 'renders'),
    });
    api = await startApi(config, { providers: new Map([senseAudioDefinition, voiceRequired].map((d) => [d.name, d])) });
  });

  afterAll(async () => {
    await api?.close();
    await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    await rm(root, { recursive: true, force: true });
  });

  const valid = { text: 'Hello there. A short text.', provider: 'senseaudio' };

  async function expectRefused(body: unknown, field: string, rule: RegExp): Promise<ApiErrorBody> {
    const response = await postJson(api, '/v1/renders', body);
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status, JSON.stringify(answer)).toBe(400);
    expect(answer.error.code).toBe('INPUT_INVALID');
    expect(answer.error.field, `field of ${JSON.stringify(answer)}`).toBe(field);
    const issue = answer.error.issues?.find((i) => i.field === field);
    expect(issue, `an issue naming ${field} in ${JSON.stringify(answer)}`).toBeDefined();
    expect(`${issue?.rule} ${issue?.message}`).toMatch(rule);
    return answer;
  }

  it.each([
    ['unknown provider', { ...valid, provider: 'nope' }, 'provider', /unknown provider "nope"; known: senseaudio, voicerequired/],
    ['missing voice where the provider has no default', { ...valid, provider: 'voicerequired' }, 'voice', /must not be empty/],
    ['out-of-range setting', { ...valid, speed: 5 }, 'speed', /<=\s*2/],
    ['setting the provider lacks', { ...valid, temperature: 0.5 }, 'temperature', /senseaudio has no such setting/],
    ['sample rate the provider lacks', { ...valid, sampleRate: 12345 }, 'sampleRate', /must be one of 8000, 16000/],
    ['empty text', { ...valid, text: '' }, 'text', /too_small.*must not be empty/],
    ['whitespace-only text', { ...valid, text: ' \n\t ' }, 'text', /text is empty/],
    ['over-long text', { ...valid, text: 'a'.repeat(1001) }, 'text', /at most 1000 characters \(API_MAX_TEXT_CHARS\)/],
    ['text with a control character', { ...valid, text: 'bad \u0007 bell' }, 'text', /control character U\+0007/],
    ['unknown field', { ...valid, colour: 'red' }, 'colour', /unknown_field/],
    ['wrong type', { ...valid, speed: 'fast' }, 'speed', /invalid_type/],
    ['missing text (and no book file)', { provider: 'senseaudio' }, 'text', /give the book either as text \(JSON string\) or as book/],
    ['bad render id', { ...valid, id: 'a:b' }, 'id', /letters, digits/],
    [
      'pause rules out of range or unknown (issue 11 item 1)',
      { ...valid, pauses: { paragraph: 20000, heading: 'long', chapterr: 1 } },
      'pauses',
      /paragraph must be a whole number of milliseconds from 0 to 10000, got 20000; heading must be a whole number of milliseconds from 0 to 10000, got "long"; unknown rule "chapterr"/,
    ],
    ['pause rules that are not an object', { ...valid, pauses: 750 }, 'pauses', /invalid_type/],
    ['output outside API_OUTPUT_ROOT', { ...valid, output: '/tmp/elsewhere' }, 'output', /must be inside file:\/\//],
    ['output escaping the root with ..', { ...valid, output: 'RELATIVE/../../..' }, 'output', /must be inside/],
    [
      'webhook URL that is not http(s)',
      { ...valid, webhook: { url: 'ftp://example.com/hook', secret: 'a-secret-of-16-chars' } },
      'webhook.url',
      /invalid_format|url/i,
    ],
    [
      'webhook URL with credentials in it',
      { ...valid, webhook: { url: 'https://user:pw@example.com/hook', secret: 'a-secret-of-16-chars' } },
      'webhook.url',
      /must not carry a user or password/,
    ],
    [
      'webhook secret too short',
      { ...valid, webhook: { url: 'https://example.com/hook', secret: 'short' } },
      'webhook.secret',
      /at least 16/,
    ],
  ])('%s: 400 naming the field and the rule', async (_name, body, field, rule) => {
    const patched = (body as { output?: string }).output?.startsWith('RELATIVE') ? { ...body, output: join(root, '../../..') } : body;
    await expectRefused(patched, field, rule);
  });

  it('names every bad field at once', async () => {
    const answer = await expectRefused({ ...valid, speed: 'fast', colour: 'red', pitch: 'up' }, 'speed', /invalid_type/);
    expect(answer.error.issues?.map((i) => i.field).sort()).toEqual(['colour', 'pitch', 'speed']);
  });

  it('malformed JSON: 400', async () => {
    const response = await api.request('/v1/renders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text": "unterminated',
    });
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status).toBe(400);
    expect(answer.error.code).toBe('MALFORMED_JSON');
    expect(answer.error.message).toMatch(/not valid JSON/);
  });

  it('a body over API_BODY_LIMIT: 413', async () => {
    const response = await postJson(api, '/v1/renders', { ...valid, text: 'x'.repeat(5000) });
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status).toBe(413);
    expect(answer.error).toMatchObject({
      code: 'BODY_TOO_LARGE',
      message: expect.stringMatching(/limit of 4096 bytes \(API_BODY_LIMIT\)/) as unknown,
    });
  });

  it('a body that is not JSON: 415', async () => {
    const response = await api.request('/v1/renders', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(response.status).toBe(415);
    expect(((await response.json()) as ApiErrorBody).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('bad list filters: 400 naming the parameter', async () => {
    const response = await api.request('/v1/renders?status=sleeping&limit=0');
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status).toBe(400);
    expect(answer.error.issues?.map((i) => i.field).sort()).toEqual(['limit', 'status']);
  });

  it('an id that cannot exist: 400 naming id; an unknown id: 404', async () => {
    const bad = await api.request('/v1/renders/not:an:id');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ApiErrorBody).error.field).toBe('id');
    for (const path of ['/v1/renders/no-such-render', '/v1/renders/no-such-render/events', '/v1/renders/no-such-render/audio']) {
      const response = await api.request(path);
      const answer = (await response.json()) as ApiErrorBody;
      expect(response.status, path).toBe(404);
      expect(answer.error).toMatchObject({ code: 'RENDER_NOT_FOUND', message: 'no render with id "no-such-render"' });
    }
    const route = await api.request('/v1/nothing-here');
    expect(route.status).toBe(404);
  });

  it('nothing reached Redis: the prefix holds no key', async () => {
    expect(await countKeys(config.REDIS_URL, config.QUEUE_PREFIX)).toBe(0);
  });
});

describe('API authentication', () => {
  const WRONG = 'wrong-token-9f8e7d6c5b4a';
  let config: AppConfig;
  let api: ApiHarness;

  beforeAll(async () => {
    config = testConfig({ API_TOKENS: API_TOKEN });
    api = await startApi(config);
  });

  afterAll(async () => {
    await api?.close();
    await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  });

  it('401 with a Bearer challenge without a token, with a wrong one, or with another scheme', async () => {
    const attempts: [string, Record<string, string>][] = [
      ['none', {}],
      ['wrong', { authorization: `Bearer ${WRONG}` }],
      ['prefix of the right one', { authorization: `Bearer ${API_TOKEN.slice(0, -1)}` }],
      ['basic', { authorization: `Basic ${Buffer.from(`user:${API_TOKEN}`).toString('base64')}` }],
    ];
    for (const [name, headers] of attempts) {
      for (const [method, path] of [
        ['GET', '/v1/renders'],
        ['POST', '/v1/renders'],
        ['GET', '/v1/renders/x1/audio'],
      ] as const) {
        const response = await api.request(path, {
          method,
          token: null,
          headers: { ...headers, 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: '{}' } : {}),
        });
        expect(response.status, `${name}: ${method} ${path}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="tts-batch"/);
        expect(((await response.json()) as ApiErrorBody).error.code).toBe('UNAUTHORIZED');
      }
    }
    const ok = await api.request('/v1/renders');
    expect(ok.status).toBe(200);
  });

  it('never logs a token, right or wrong', async () => {
    await api.request('/v1/renders', { token: WRONG });
    await api.request('/v1/renders');
    const logs = api.logs();
    expect(logs, 'the server logs requests at trace level').toMatch(/"url":"\/v1\/renders"/);
    expect(logs).not.toContain(API_TOKEN);
    expect(logs).not.toContain(WRONG);
  });

  it('refuses a token shorter than 16 characters, without showing it', () => {
    const attempt = (): unknown => loadConfig({ API_TOKENS: `${API_TOKEN},short-secret` });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/API_TOKENS\.1: each token must be at least 16 characters/);
    expect(attempt).not.toThrow(/short-secret/);
  });

  it('refuses to start without a token, and says how to set one', async () => {
    const error = await buildApiServer({ config: { ...config, API_TOKENS: undefined } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/set API_TOKENS to one or more comma-separated tokens/);
  });
});
