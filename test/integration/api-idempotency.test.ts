import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderView } from '../../src/api/render-view.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { countKeys, deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

interface Accepted {
  id: string;
  status: string;
  segments: number;
  characters: number;
}

/** Idempotency-Key and render ids, with no worker running: what is enqueued stays as it is. */
describe('API: Idempotency-Key and render ids', () => {
  let config: AppConfig;
  let api: ApiHarness;
  let out: string;
  const render = { text: '# One\nThe first chapter.\n\n# Two\nThe second chapter.', provider: 'senseaudio' };

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'ttsb-api-idem-'));
    config = testConfig({ API_TOKENS: API_TOKEN, API_DEFAULT_OUTPUT: out });
    api = await startApi(config, { providers: new Map([[senseAudioDefinition.name, senseAudioDefinition]]) });
  });

  afterAll(async () => {
    await api?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    if (out) await rm(out, { recursive: true, force: true });
  });

  const listIds = async (): Promise<string[]> =>
    ((await (await api.request('/v1/renders?limit=500')).json()) as { renders: RenderView[] }).renders.map((r) => r.id);

  it('a replay returns the first render (200, same id) and enqueues nothing more', async () => {
    const first = await postJson(api, '/v1/renders', render, { 'idempotency-key': 'order-7781' });
    const accepted = (await first.json()) as Accepted;
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const keysAfterFirst = await countKeys(config.REDIS_URL, config.QUEUE_PREFIX);

    // Even with another body: the key names the request, and the first one stands.
    for (const body of [render, { ...render, text: 'Something else entirely.' }]) {
      const replay = await postJson(api, '/v1/renders', body, { 'idempotency-key': 'order-7781' });
      const again = (await replay.json()) as Accepted;
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.headers.get('location')).toBe(`/v1/renders/${accepted.id}`);
      expect(again).toMatchObject({ id: accepted.id, status: 'queued', segments: accepted.segments, characters: accepted.characters });
    }
    expect(await countKeys(config.REDIS_URL, config.QUEUE_PREFIX), 'no key was added by the replays').toBe(keysAfterFirst);
    expect(await listIds()).toEqual([accepted.id]);
  });

  it('two concurrent requests with one key start one render', async () => {
    const answers = await Promise.all([1, 2].map(() => postJson(api, '/v1/renders', render, { 'idempotency-key': 'order-7782' })));
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as (Accepted & ApiErrorBody)[];
    const statuses = answers.map((a) => a.status);
    expect(
      statuses.filter((status) => status === 202),
      `one request started the render: ${statuses.join(', ')}`,
    ).toHaveLength(1);
    // The other either saw the first render (200) or caught it mid-enqueue (409, retry).
    expect([200, 409]).toContain(statuses.find((status) => status !== 202));
    const started = bodies.filter((b) => typeof b.id === 'string').map((b) => b.id);
    expect(new Set(started).size).toBe(1);
    expect((await listIds()).filter((id) => started.includes(id))).toHaveLength(1);
    expect(await listIds()).toHaveLength(2);
  });

  it('a taken id: 409, and the first render is untouched', async () => {
    const first = await postJson(api, '/v1/renders', { ...render, id: 'chosen-name' });
    expect(first.status).toBe(202);
    const { characters } = (await first.json()) as Accepted;
    const keys = await countKeys(config.REDIS_URL, config.QUEUE_PREFIX);
    const second = await postJson(
      api,
      '/v1/renders',
      { ...render, text: 'Other text.', id: 'chosen-name' },
      { 'idempotency-key': 'order-7783' },
    );
    const answer = (await second.json()) as ApiErrorBody;
    expect(second.status).toBe(409);
    expect(answer.error).toMatchObject({ code: 'ID_TAKEN', message: expect.stringMatching(/"chosen-name" already exists/) as unknown });
    expect(
      await countKeys(config.REDIS_URL, config.QUEUE_PREFIX),
      'the failed request left no key behind (its Idempotency-Key claim was released)',
    ).toBe(keys);
    const view = (await (await api.request('/v1/renders/chosen-name')).json()) as RenderView;
    expect(view.progress.charsTotal, 'still the first text').toBe(characters);
    expect(view.status).toBe('queued');
  });

  it('an overlong Idempotency-Key: 400 naming the header', async () => {
    const response = await postJson(api, '/v1/renders', render, { 'idempotency-key': 'k'.repeat(300) });
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status).toBe(400);
    expect(answer.error.field).toBe('idempotency-key');
  });
});
