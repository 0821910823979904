import { setTimeout as delay } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { startWorkers, type WorkerRuntime } from '../../src/worker/start-workers.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

/**
 * Polls /readyz the way a load balancer does, until it gives `status` or `attempts` run out.
 * What it waits for is the answer of the route under test itself (a worker's first fetch and
 * heartbeat have no event of their own to wait on).
 */
async function readyzUntil(api: ApiHarness, status: number, attempts = 200): Promise<{ status: number; body: unknown }> {
  let last = { status: 0, body: undefined as unknown };
  for (let attempt = 0; attempt < attempts; attempt++) {
    const response = await api.request('/readyz', { token: null });
    last = { status: response.status, body: await response.json() };
    if (last.status === status) return last;
    await delay(50);
  }
  return last;
}

describe('API health, readiness and metrics', () => {
  let config: AppConfig;
  let api: ApiHarness;
  let workers: WorkerRuntime | undefined;

  beforeAll(async () => {
    config = testConfig({
      API_TOKENS: API_TOKEN,
      SENSEAUDIO_API_KEY: 'unused-key',
      HEARTBEAT_INTERVAL_MS: '100',
      READY_WORKER_MAX_AGE_MS: '5000',
    });
    api = await startApi(config, { providers: new Map([[senseAudioDefinition.name, senseAudioDefinition]]) });
  });

  afterAll(async () => {
    await workers?.close(5000);
    await api?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  });

  it('/healthz answers without a token', async () => {
    const response = await api.request('/healthz', { token: null });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 503 without a worker, 200 once one fetches, 503 again after it stops', async () => {
    const before = await api.request('/readyz', { token: null });
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({
      status: 'unavailable',
      reason: 'no worker has fetched jobs in the last 5 s (READY_WORKER_MAX_AGE_MS; 0 worker process(es) registered)',
    });

    workers = await startWorkers({ config, logger: pino({ level: 'silent' }), providers: ['senseaudio'] });
    const ready = await readyzUntil(api, 200);
    expect(ready).toEqual({
      status: 200,
      body: { status: 'ready', workers: 1, providers: { senseaudio: { workers: 1, misconfigured: 0 } } },
    });

    await workers.close(5000);
    workers = undefined;
    // A worker that stops removes its heartbeat at once.
    const after = await api.request('/readyz', { token: null });
    expect(after.status).toBe(503);
  });

  it('/metrics serves Prometheus text without a token', async () => {
    const response = await api.request('/metrics', { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^# HELP /m);
    expect(text).toContain('ttsb_queue_jobs{queue="synthesize-senseaudio",state="waiting"} 0');
    expect(text).toContain('ttsb_queue_jobs{queue="stitch",state="waiting"} 0');
  });
});

describe('API /metrics with METRICS_TOKEN', () => {
  const METRICS_TOKEN = 'metrics-scraper-token-61f0';
  let config: AppConfig;
  let api: ApiHarness;

  beforeAll(async () => {
    config = testConfig({ API_TOKENS: API_TOKEN, METRICS_TOKEN });
    api = await startApi(config);
  });

  afterAll(async () => {
    await api?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  });

  it('wants that token (an API token is not enough) and never logs it', async () => {
    for (const token of [null, API_TOKEN]) {
      const refused = await api.request('/metrics', { token });
      expect(refused.status, `token ${token === null ? 'none' : 'API'}`).toBe(401);
      expect(((await refused.json()) as ApiErrorBody).error.code).toBe('UNAUTHORIZED');
    }
    const ok = await api.request('/metrics', { token: METRICS_TOKEN });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('ttsb_workers 0');
    expect(api.logs()).not.toContain(METRICS_TOKEN);
  });
});
