import { Queue } from 'bullmq';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderView } from '../../src/api/render-view.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { synthesizeQueueName } from '../../src/queue/queue-names.ts';
import { startWorkers, type WorkerRuntime } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, readEventStream, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

/**
 * DELETE /v1/renders/:id against real workers and a simulator whose streams stall mid-way: once
 * the cancel is answered, the calls in flight are cut and no new call reaches the provider.
 */
describe('API: cancelling a render', () => {
  const API_KEY = 'sim-key-api-cancel-91c3';
  let simulator: SenseAudioSimulator;
  let config: AppConfig;
  let api: ApiHarness;
  let workers: WorkerRuntime;
  let out: string;

  beforeAll(async () => {
    // Every call sends one audio event and then stalls with the socket open: it is in flight until the client hangs up.
    simulator = await startSenseAudioSimulator({
      apiKey: API_KEY,
      msPerChar: 2,
      chunkHexChars: 2048,
      faults: () => ({ kind: 'stallStream', afterEvents: 1 }),
    });
    out = await mkdtemp(join(tmpdir(), 'ttsb-api-cancel-'));
    config = testConfig({
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      API_TOKENS: API_TOKEN,
      API_DEFAULT_OUTPUT: out,
      WORKER_CONCURRENCY: '2',
    });
    workers = await startWorkers({ config, logger: pino({ level: 'silent' }), providers: ['senseaudio'] });
    api = await startApi(config, { providers: new Map([[senseAudioDefinition.name, senseAudioDefinition]]) });
  });

  afterAll(async () => {
    await api?.close();
    await workers?.close(5000);
    await simulator?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('stops synthesis: in-flight calls are cut, nothing new reaches the provider, status is cancelled', async () => {
    const posted = await postJson(api, '/v1/renders', {
      text: makeSampleBook(12_000, 9),
      provider: 'senseaudio',
      sampleRate: 24000,
      bitrate: 64000,
    });
    const { id, segments } = (await posted.json()) as { id: string; segments: number };
    expect(posted.status).toBe(202);
    expect(segments).toBeGreaterThan(4);

    await simulator.whenRequest(1);
    const cancelled = await api.request(`/v1/renders/${id}`, { method: 'DELETE' });
    const view = (await cancelled.json()) as RenderView;
    expect(cancelled.status, JSON.stringify(view)).toBe(200);
    expect(view).toMatchObject({ id, status: 'cancelled' });
    const sent = simulator.requests.length;
    expect(sent, 'only the calls already in flight (concurrency 2) had started').toBeLessThanOrEqual(2);

    // The calls in flight end because the worker hung up on them (a stalled stream never finishes).
    for (let n = 1; n <= sent; n++) {
      const request = await simulator.whenFinished(n);
      expect(request.outcome, `request ${n}`).toBe('client-closed');
    }
    // Nothing is left that a worker could pick up, so nothing more can be sent.
    const queue = new Queue(synthesizeQueueName('senseaudio'), { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    try {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
      expect(counts).toEqual({ waiting: 0, delayed: 0, prioritized: 0, active: 0 });
    } finally {
      await queue.close();
    }
    expect(simulator.requests.length, 'no request reached the provider after the cancel').toBe(sent);

    const status = (await (await api.request(`/v1/renders/${id}`)).json()) as RenderView;
    expect(status.status).toBe('cancelled');
    expect(status.progress.segmentsDone).toBeLessThan(segments);
    const { events } = await readEventStream(await api.request(`/v1/renders/${id}/events`));
    expect(events.map((e) => [e.event, (e.data as RenderView).status])).toEqual([['snapshot', 'cancelled']]);

    const again = await api.request(`/v1/renders/${id}`, { method: 'DELETE' });
    const answer = (await again.json()) as ApiErrorBody;
    expect(again.status).toBe(409);
    expect(answer.error).toMatchObject({ code: 'RENDER_ENDED', status: 'cancelled' });
  });

  it('a render that completed: 409 saying so; an unknown id: 404', async () => {
    simulator.setFaults(undefined);
    const posted = await postJson(api, '/v1/renders', { text: 'A very short book.', provider: 'senseaudio' });
    const { id } = (await posted.json()) as { id: string };
    const { events } = await readEventStream(await api.request(`/v1/renders/${id}/events`));
    expect((events.at(-1)?.data as RenderView).status).toBe('completed');

    const late = await api.request(`/v1/renders/${id}`, { method: 'DELETE' });
    const answer = (await late.json()) as ApiErrorBody;
    expect(late.status).toBe(409);
    expect(answer.error).toMatchObject({
      code: 'RENDER_ENDED',
      status: 'completed',
      message: `render "${id}" had already ended: completed`,
    });

    const unknown = await api.request('/v1/renders/no-such-render', { method: 'DELETE' });
    expect(unknown.status).toBe(404);
  });
});
