import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderView } from '../../src/api/render-view.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { renderMetrics } from '../../src/metrics/render-metrics.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { idempotencyKey, renderKeys } from '../../src/render/render-keys.ts';
import { pollUntil } from '../support/poll-until.ts';
import { REPO_ROOT } from '../support/run-cli.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiHarness } from './api-harness.ts';
import { parsePrometheusText, sampleValue } from './metrics-prometheus-parser.ts';

const RECONCILE_MS = 1000;
const body = { text: '# One\nThe first chapter.\n\n# Two\nThe second chapter.', provider: 'senseaudio' };

/** Runs the API in a child that SIGKILLs itself at `crashAt` during the POST; resolves when it died. */
async function postAndCrash(config: AppConfig, out: string, crashAt: string, key: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crashing-api.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      API_TOKENS: API_TOKEN,
      API_DEFAULT_OUTPUT: out,
      ENQUEUE_RECONCILE_MS: String(RECONCILE_MS),
      CRASH_AT: crashAt,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let stdout = '';
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /port (\d+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`crashing API exited (${code}) before listening`)));
  });
  const answer = fetch(`http://127.0.0.1:${port}/v1/renders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}`, 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  await expect(answer, 'the API died mid-request').rejects.toThrow();
  const [, signal] = (await exited) as [number | null, string | null];
  expect(signal).toBe('SIGKILL');
}

/**
 * Issue #8 item 9: an enqueue killed between its writes leaves nothing stuck. The claim, the
 * record and the flow are separate writes; here the API process is SIGKILLed between each pair,
 * and a retry with the same Idempotency-Key (to a live API that runs the reconciler, with
 * ENQUEUE_RECONCILE_MS=1000) must end in a render that is really enqueued, within seconds.
 */
describe('enqueue survives a crash between its writes', () => {
  let config: AppConfig;
  let api: ApiHarness;
  let out: string;
  let redis: Redis;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'ttsb-enqueue-crash-'));
    config = testConfig({ API_TOKENS: API_TOKEN, API_DEFAULT_OUTPUT: out, ENQUEUE_RECONCILE_MS: String(RECONCILE_MS) });
    api = await startApi(config, { providers: new Map([[senseAudioDefinition.name, senseAudioDefinition]]) });
    redis = new Redis(config.REDIS_URL);
    // The three crashes at once (each its own key): a child's start-up is most of the time.
    await Promise.all([
      postAndCrash(config, out, 'after-claim', 'crash-claim'),
      postAndCrash(config, out, 'after-record', 'crash-record'),
      postAndCrash(config, out, 'after-flow', 'crash-flow'),
    ]);
    claimTtlAfterCrash = await redis.pttl(claimOf('crash-claim'));
  });
  let claimTtlAfterCrash: number;

  const claimOf = (key: string): string => idempotencyKey(config.QUEUE_PREFIX, createHash('sha256').update(key).digest('hex'));

  afterAll(async () => {
    await api?.close();
    redis?.disconnect();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    if (out) await rm(out, { recursive: true, force: true });
  });

  /** Retries the POST with `key` until it is accepted anew (202); returns every status seen and the render. */
  async function retryUntilAccepted(key: string) {
    const statuses: number[] = [];
    const started = Date.now();
    const accepted = await pollUntil(
      `a retry with key ${key} is accepted`,
      async () => {
        const response = await postJson(api, '/v1/renders', body, { 'idempotency-key': key });
        statuses.push(response.status);
        return { status: response.status, body: (await response.json()) as { id: string; error?: { code: string } } };
      },
      (answer) => answer.status === 202,
      10_000,
      100,
    );
    return { statuses, id: accepted.body.id, ms: Date.now() - started };
  }

  it('killed after the claim: retries answer 409 for seconds, not a day, then start the render', async () => {
    const { statuses, id, ms } = await retryUntilAccepted('crash-claim');
    // -2: already expired by the time it was read (the three children start in parallel).
    expect(claimTtlAfterCrash, "the dead request's claim lives at most 2 × ENQUEUE_RECONCILE_MS").toBeLessThanOrEqual(2 * RECONCILE_MS);
    for (const status of statuses.slice(0, -1)) expect(status, 'before: still being enqueued').toBe(409);
    expect(ms, 'the claim lived at most 2 × ENQUEUE_RECONCILE_MS').toBeLessThan(2 * RECONCILE_MS + 2000);
    expect(((await (await api.request(`/v1/renders/${id}`)).json()) as RenderView).status).toBe('queued');
    // Only this render: the other crashed requests' orphans may still be inside their deadline.
    expect(await redis.zscore(`${config.QUEUE_PREFIX}:enqueuing`, id), 'its enqueue is not left pending').toBeNull();
  });

  it('killed after the record: the orphan is failed (counted, key released) and the retry starts anew', async () => {
    // Of the three crashes, only this one leaves a record without a flow: the one render that fails.
    const listed = await pollUntil(
      'the orphan is failed by the reconciler',
      async () => ((await (await api.request('/v1/renders?status=failed')).json()) as { renders: RenderView[] }).renders,
      (renders) => renders.length > 0,
      10_000,
    );
    expect(listed).toHaveLength(1);
    const orphan = listed[0]?.id;
    const { statuses, id } = await retryUntilAccepted('crash-record');
    expect(id, 'a new render, not the orphan').not.toBe(orphan);
    for (const status of statuses.slice(0, -1)) expect([200, 409]).toContain(status);
    const view = (await (await api.request(`/v1/renders/${orphan}`)).json()) as RenderView & { error?: string };
    expect(view.status).toBe('failed');
    expect(JSON.stringify(view)).toMatch(/enqueue did not finish within 1 s/);
    // It ended like any other render: its record expires after RENDER_RETENTION_DAYS.
    const ttl = await redis.ttl(renderKeys(config.QUEUE_PREFIX, orphan!).record);
    expect(ttl, 'the failed orphan expires').toBeGreaterThan(config.RENDER_RETENTION_DAYS * 86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(config.RENDER_RETENTION_DAYS * 86_400);
    const families = parsePrometheusText(await renderMetrics(redis, config.QUEUE_PREFIX, ['senseaudio']));
    expect(sampleValue(families, 'ttsb_renders_ended_total', { status: 'failed' })).toBe(1);
    // A further replay returns the new render (200), never the failed orphan.
    const replay = await postJson(api, '/v1/renders', body, { 'idempotency-key': 'crash-record' });
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { id: string }).id).toBe(id);
  });

  it('killed after the flow: the render stands, and its key is kept for a day', async () => {
    const redisKey = claimOf('crash-flow');
    const holder = await redis.get(redisKey);
    expect(holder).not.toBeNull();
    await pollUntil(
      'the reconciler settled the enqueue',
      () => redis.zcard(`${config.QUEUE_PREFIX}:enqueuing`),
      (n) => n === 0,
    );
    expect(await redis.pttl(redisKey), 'the claim now lives a day').toBeGreaterThan(23 * 3600 * 1000);
    const replay = await postJson(api, '/v1/renders', body, { 'idempotency-key': 'crash-flow' });
    expect(replay.status).toBe(200);
    expect((await replay.json()) as { id: string; status: string }).toMatchObject({ id: holder, status: 'queued' });
  });
});
