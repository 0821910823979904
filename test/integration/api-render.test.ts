import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderView } from '../../src/api/render-view.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { RENDER_STATUSES } from '../../src/render/render-record.ts';
import { startWorkers, type WorkerRuntime } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, readEventStream, startApi, type ApiErrorBody, type ApiHarness, type SseEvent } from './api-harness.ts';

/**
 * The API end to end over real HTTP: a render started by POST is followed over server-sent
 * events from before any worker runs until it completes (in-process workers, SenseAudio
 * simulator), then its status and its audio are read back through the API.
 */
/** The book's folder and file, named after its title (issue 11 item 6). */
const BOOK_FILE = join('an-api-book', 'An API book.mp3');

describe('API: a render from POST to downloaded audio', () => {
  const API_KEY = 'sim-key-api-render-4b2e';
  let simulator: SenseAudioSimulator;
  let config: AppConfig;
  let api: ApiHarness;
  let out: string;
  let workers: WorkerRuntime | undefined;
  let id = '';
  let segments = 0;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 2 });
    out = await mkdtemp(join(tmpdir(), 'ttsb-api-render-'));
    config = testConfig({
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      API_TOKENS: API_TOKEN,
      API_DEFAULT_OUTPUT: out,
      API_OUTPUT_ROOT: out,
      API_SSE_HEARTBEAT_MS: '100',
      HEARTBEAT_INTERVAL_MS: '100',
    });
    api = await startApi(config, { providers: new Map([[senseAudioDefinition.name, senseAudioDefinition]]) });
  });

  afterAll(async () => {
    await workers?.close(5000);
    await api?.close();
    await simulator?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('answers 202 with the id, and the event stream follows it from queued to completed, in order', async () => {
    const response = await postJson(api, '/v1/renders', {
      text: makeSampleBook(8_000, 5),
      provider: 'senseaudio',
      voice: 'male_0004_a',
      format: 'mp3',
      sampleRate: 24000,
      bitrate: 64000,
      speed: 1.1,
      title: 'An API book',
    });
    const accepted = (await response.json()) as { id: string; status: string; segments: number; characters: number; location: string };
    expect(response.status, JSON.stringify(accepted)).toBe(202);
    ({ id, segments } = accepted);
    expect(accepted.status).toBe('queued');
    expect(segments).toBeGreaterThan(1);
    expect(response.headers.get('location')).toBe(`/v1/renders/${id}`);
    expect(accepted.location).toBe(`/v1/renders/${id}`);

    const stream = await api.request(`/v1/renders/${id}/events`, { headers: { accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let heartbeats = 0;
    const startAfterHeartbeat = async (): Promise<void> => {
      // Workers start only once the stream is open and idle, so every change arrives as an event.
      if ((heartbeats += 1) === 1) workers = await startWorkers({ config, logger: pino({ level: 'silent' }), providers: ['senseaudio'] });
    };
    const { events } = await readEventStream(stream, { onComment: (text) => (text === 'keep-alive' ? startAfterHeartbeat() : undefined) });

    expect(heartbeats, 'keep-alive comments while the render waited').toBeGreaterThan(0);
    const views = events.map((event) => event.data as RenderView & { segment?: number });
    expect(events[0]?.event).toBe('snapshot');
    expect(views[0]).toMatchObject({ id, status: 'queued', progress: { segmentsDone: 0, segmentsTotal: segments } });
    expect(views[0]?.waiting, 'no worker runs yet, and the snapshot says so').toBe('no live worker serves senseaudio');
    expect(
      events.map((event) => event.id),
      'sequence ids 1, 2, 3…',
    ).toEqual(events.map((_e, i) => String(i + 1)));
    expect(new Set(events.slice(1).map((event) => event.event))).toEqual(
      new Set(['progress', 'status', 'waiting'].filter((name) => events.some((e) => e.event === name))),
    );
    const rank = (view: RenderView): number => RENDER_STATUSES.indexOf(view.status);
    for (let i = 1; i < views.length; i++) {
      const [before, after] = [views[i - 1]!, views[i]!];
      expect(rank(after), `status never goes back (${before.status} → ${after.status})`).toBeGreaterThanOrEqual(rank(before));
      expect(after.progress.segmentsDone).toBeGreaterThanOrEqual(before.progress.segmentsDone);
      const changed =
        after.status !== before.status || after.progress.segmentsDone !== before.progress.segmentsDone || after.waiting !== before.waiting;
      expect(changed, `event ${i + 1} (${events[i]!.event}) reports a change`).toBe(true);
      expect(events[i]!.event).toBe(
        after.status !== before.status ? 'status' : after.progress.segmentsDone !== before.progress.segmentsDone ? 'progress' : 'waiting',
      );
    }
    const last = views.at(-1)!;
    expect(events.at(-1)?.event).toBe('status');
    expect(last.status, 'the stream ends with the final status').toBe('completed');
    expect(last.progress).toMatchObject({ segmentsDone: segments, segmentsTotal: segments });
  });

  it('GET shows the completed render: progress, result, no error', async () => {
    const response = await api.request(`/v1/renders/${id}`);
    const view = (await response.json()) as RenderView;
    expect(response.status).toBe(200);
    const file = await readFile(join(out, BOOK_FILE));
    expect(view).toMatchObject({
      id,
      status: 'completed',
      title: 'An API book',
      provider: 'senseaudio',
      voice: 'male_0004_a',
      format: 'mp3',
      progress: { segmentsDone: segments, segmentsTotal: segments, cachedSegments: 0 },
      result: { bytes: file.length, audioUrl: `/v1/renders/${id}/audio` },
    });
    expect(view.progress.charsDone).toBe(view.progress.charsTotal);
    expect(view.result?.durationMs).toBeGreaterThan(0);
    expect(fileURLToPath(view.result?.location ?? '')).toBe(join(out, BOOK_FILE));
    expect(view.error).toBeUndefined();
    expect(view).not.toHaveProperty('text');
  });

  it('downloads the audio byte-identical to the file on disk', async () => {
    const file = await readFile(join(out, BOOK_FILE));
    const response = await api.request(`/v1/renders/${id}/audio`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect(response.headers.get('content-length')).toBe(String(file.length));
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(file.length);
    expect(body.equals(file), 'downloaded bytes equal the stitched file').toBe(true);
  });

  it('serves byte ranges, and 416 for one past the end', async () => {
    const file = await readFile(join(out, BOOK_FILE));
    const middle = await api.request(`/v1/renders/${id}/audio`, { headers: { range: 'bytes=100-1099' } });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes 100-1099/${file.length}`);
    expect(Buffer.from(await middle.arrayBuffer()).equals(file.subarray(100, 1100))).toBe(true);

    const tail = await api.request(`/v1/renders/${id}/audio`, { headers: { range: 'bytes=-500' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(file.subarray(file.length - 500))).toBe(true);

    const past = await api.request(`/v1/renders/${id}/audio`, { headers: { range: `bytes=${file.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${file.length}`);
    expect(((await past.json()) as ApiErrorBody).error.code).toBe('RANGE_NOT_SATISFIABLE');
  });

  it('lists it among the completed renders', async () => {
    const response = await api.request('/v1/renders?status=completed&limit=10');
    const { renders } = (await response.json()) as { renders: RenderView[] };
    expect(response.status).toBe(200);
    expect(renders.map((r) => r.id)).toContain(id);
    expect(renders.every((r) => r.status === 'completed')).toBe(true);
    const none = (await (await api.request('/v1/renders?status=failed')).json()) as { renders: RenderView[] };
    expect(none.renders).toEqual([]);
  });

  it('an ended render: the event stream sends the snapshot and ends', async () => {
    const { events } = await readEventStream(await api.request(`/v1/renders/${id}/events`));
    expect(events.map((e: SseEvent) => e.event)).toEqual(['snapshot']);
    expect((events[0]?.data as RenderView).status).toBe('completed');
  });
});
