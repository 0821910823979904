import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduledBookRenderer } from '../../src/cli/schedule-book-renderer.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { startWorkers, type WorkerRuntime } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { pollUntil } from '../support/poll-until.ts';
import { libraryBook } from '../support/schedule-env.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

const API_KEY = 'sim-key-schedule-api-51b0';
const NOWHERE = '<a folder under the root that does not exist>';

interface View {
  name: string;
  cron?: string;
  nextRunAt?: string;
  running?: string;
  source: string;
  output: string;
  lastRun?: { runId: string; status: string };
}
interface RunView {
  runId: string;
  status: string;
  totals: { books: number; rendered: number; unitsBilled: number };
  books: { path: string; status: string; unitsBilled: number }[];
}

describe('the schedules API (real workers in process, SenseAudio simulator)', () => {
  let root: string;
  let config: AppConfig;
  let api: ApiHarness;
  let runtime: WorkerRuntime;
  let simulator: SenseAudioSimulator;
  let body: Record<string, unknown>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ttsb-schedule-api-'));
    await mkdir(join(root, 'library'));
    await writeFile(join(root, 'library', 'one.txt'), libraryBook('one', 2));
    // Answers take a second, so a run is still in progress when the next is asked for.
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 1, latencyMs: 1000 });
    config = testConfig({
      API_TOKENS: API_TOKEN,
      API_OUTPUT_ROOT: root,
      API_DEFAULT_OUTPUT: join(root, 'out'),
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
    });
    runtime = await startWorkers({
      config,
      logger: pino({ level: 'silent' }),
      providers: ['senseaudio'],
      renderScheduledBook: scheduledBookRenderer(config),
    });
    api = await startApi(config);
    body = { name: 'lib', cron: '0 3 * * *', source: join(root, 'library'), render: { provider: 'senseaudio', profile: 'raw' } };
  });

  afterAll(async () => {
    await api?.close();
    await runtime?.close(5000);
    await simulator?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it.each([
    ['a cron pattern that is not one', { cron: 'nonsense' }, 'cron'],
    ['a source folder that does not exist', { source: NOWHERE }, 'source'],
    ['a source outside API_OUTPUT_ROOT', { source: tmpdir() }, 'source'],
    ['an unknown provider', { render: { provider: 'nope' } }, 'render.provider'],
    ['a misspelt render option', { render: { provider: 'senseaudio', vioce: 'x' } }, 'render.vioce'],
    ['a setting the provider lacks', { render: { provider: 'senseaudio', settings: { warp: 9 } } }, 'warp'],
  ])('refuses %s: 400 naming the field', async (_what, change, field) => {
    // The table is read before beforeAll made the root: the missing folder is named under it here.
    const patch: Record<string, unknown> = 'source' in change && change.source === NOWHERE ? { source: join(root, 'nowhere') } : change;
    const response = await postJson(api, '/v1/schedules', { ...body, ...patch });
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status, JSON.stringify(answer)).toBe(400);
    expect(answer.error.field).toBe(field);
    expect(await (await api.request('/v1/schedules')).json()).toEqual({ schedules: [] });
  });

  it('adds (201), replaces (200), lists, runs (202, then 409 while it runs), reports and removes a schedule', async () => {
    const added = await postJson(api, '/v1/schedules', body);
    expect(added.status).toBe(201);
    const view = (await added.json()) as View;
    expect(view).toMatchObject({
      name: 'lib',
      cron: '0 3 * * *',
      source: pathToFileURL(join(root, 'library')).href,
      output: pathToFileURL(join(root, 'out')).href,
    });
    expect(view.nextRunAt).toMatch(/T03:00:00\.000Z$/);
    expect((await postJson(api, '/v1/schedules', body)).status).toBe(200);
    const listed = (await (await api.request('/v1/schedules')).json()) as { schedules: View[] };
    expect(listed.schedules.map((schedule) => schedule.name)).toEqual(['lib']);

    const asked = await postJson(api, '/v1/schedules/lib/runs', {});
    expect(asked.status).toBe(202);
    const { runId } = (await asked.json()) as { runId: string };
    await pollUntil(
      'the run in progress',
      async () => ((await (await api.request('/v1/schedules/lib')).json()) as View).running,
      (running) => running === runId,
    );
    const refused = await postJson(api, '/v1/schedules/lib/runs', {});
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ApiErrorBody).error).toMatchObject({ code: 'RUN_IN_PROGRESS', runId });

    const run = await pollUntil(
      'the run ended',
      async () => (await (await api.request(`/v1/schedules/lib/runs/${runId}`)).json()) as RunView,
      // 404 until a worker starts it, then running until its renders end.
      (found) => ['completed', 'skipped', 'failed'].includes(found.status),
    );
    expect(run).toMatchObject({ runId, status: 'completed', totals: { books: 1, rendered: 1 } });
    expect(run.books).toEqual([expect.objectContaining({ path: 'one.txt', status: 'rendered', unitsBilled: run.totals.unitsBilled })]);
    expect(run.totals.unitsBilled).toBe(simulator.requests.reduce((sum, request) => sum + (request.usageCharacters ?? 0), 0));
    expect(((await (await api.request('/v1/schedules/lib')).json()) as View).lastRun).toMatchObject({ runId, status: 'completed' });

    // maxUnits: a book whose render would bill more is skipped, and nothing is asked of the provider.
    const before = simulator.requests.length;
    const capped = {
      ...body,
      name: 'capped',
      output: join(root, 'capped'),
      render: { provider: 'senseaudio', profile: 'raw', maxUnits: 10 },
    };
    expect((await postJson(api, '/v1/schedules', capped)).status).toBe(201);
    const cappedRun = ((await (await postJson(api, '/v1/schedules/capped/runs', {})).json()) as { runId: string }).runId;
    const skipped = await pollUntil(
      'the capped run ended',
      async () =>
        (await (await api.request(`/v1/schedules/capped/runs/${cappedRun}`)).json()) as RunView & { books: { reason?: string }[] },
      (found) => ['completed', 'skipped', 'failed'].includes(found.status),
    );
    expect(skipped).toMatchObject({ status: 'completed', totals: { books: 1, rendered: 0, skipped: 1, unitsBilled: 0 } });
    expect(skipped.books[0]?.reason).toMatch(/^maxUnits: the render would bill [\d,]+ units .* over the cap of 10; nothing was enqueued$/);
    expect(simulator.requests.length).toBe(before);

    const removed = await api.request('/v1/schedules/lib', { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({ name: 'lib', removed: true });
    expect((await api.request('/v1/schedules/lib', { method: 'DELETE' })).status).toBe(404);
    expect((await api.request('/v1/schedules/lib')).status).toBe(404);
    expect((await postJson(api, '/v1/schedules/lib/runs', {})).status).toBe(404);
  }, 30_000);
});
