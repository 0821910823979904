import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderView } from '../../src/api/render-view.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { startWorkers, type WorkerRuntime } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { drmEpub, twelveChapterBook, writeEpub } from '../support/epub-builder.ts';
import { lavfiPicture } from '../support/lavfi.ts';
import { pollUntil } from '../support/poll-until.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

const API_KEY = 'sim-key-api-books-5e20';
const providers = new Map([[senseAudioDefinition.name, senseAudioDefinition]]);

/**
 * Issue 12 over the real API: a book file as multipart (`book` + `request`) or base64 in JSON,
 * Markdown as JSON text with inputFormat, chapters chosen, front matter skipped, and a
 * DRM-encrypted EPUB refused before anything is enqueued.
 */
describe('API: books in', () => {
  let simulator: SenseAudioSimulator;
  let config: AppConfig;
  let api: ApiHarness;
  let out: string;
  let workers: WorkerRuntime;
  let epub: Buffer;
  let jpeg: Buffer;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 1 });
    out = await mkdtemp(join(tmpdir(), 'ttsb-api-books-'));
    config = testConfig({
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      API_TOKENS: API_TOKEN,
      API_DEFAULT_OUTPUT: out,
      API_OUTPUT_ROOT: out,
      HEARTBEAT_INTERVAL_MS: '100',
    });
    api = await startApi(config, { providers });
    workers = await startWorkers({ config, logger: pino({ level: 'silent' }), providers: ['senseaudio'] });
    await lavfiPicture(join(out, 'c.jpg'), 'navy', '64x64');
    jpeg = await readFile(join(out, 'c.jpg'));
    await writeEpub(join(out, 'keeper.epub'), twelveChapterBook(3, jpeg, jpeg));
    epub = await readFile(join(out, 'keeper.epub'));
  });

  afterAll(async () => {
    await workers?.close(5000);
    await api?.close();
    await simulator?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    if (out) await rm(out, { recursive: true, force: true });
  });

  async function toEnd(response: Response): Promise<Manifest> {
    const accepted = (await response.json()) as { id: string; chapters: number };
    expect(response.status, JSON.stringify(accepted)).toBe(202);
    const view = await pollUntil(
      `render ${accepted.id} ends`,
      async () => (await (await api.request(`/v1/renders/${accepted.id}`)).json()) as RenderView,
      (state) => state.status === 'completed' || state.status === 'failed' || state.status === 'cancelled',
      60_000,
      100,
    );
    expect(view.status, JSON.stringify(view.error)).toBe('completed');
    const location = view.result?.location ?? '';
    const book = location.startsWith('file:') ? fileURLToPath(location) : location;
    return JSON.parse(await readFile(join(dirname(book), 'manifest.json'), 'utf8')) as Manifest;
  }

  it('multipart: an EPUB file and its fields; --chapters 6-7 (its 2nd and 3rd chapters, after 4 of front matter)', async () => {
    const form = new FormData();
    form.append('book', new Blob([epub], { type: 'application/epub+zip' }), 'keeper.epub');
    form.append('request', JSON.stringify({ provider: 'senseaudio', chapters: '6-7', format: 'mp3' }));
    const manifest = await toEnd(await api.request('/v1/renders', { method: 'POST', body: form }));
    // Numbers count the whole book: cover, title page, copyright and contents come first (1-4).
    expect(manifest.chapters.map((c) => [c.number, c.title])).toEqual([
      [6, 'Chapter 2: The Light'],
      [7, 'Chapter 3: The Harbour'],
    ]);
    expect(manifest.source).toMatchObject({ name: 'keeper.epub', format: 'epub', bytes: epub.length });
    expect(manifest.tags).toMatchObject({ title: 'The Keeper of the Light', author: 'Ada Lighthouse' });
  });

  it('JSON: the book as base64 with fileName; the front matter skipped by default', async () => {
    const manifest = await toEnd(
      await postJson(api, '/v1/renders', {
        provider: 'senseaudio',
        book: epub.toString('base64'),
        fileName: 'keeper.epub',
        title: 'Own Title',
      }),
    );
    expect(manifest.chapters).toHaveLength(12);
    expect(manifest.tags).toMatchObject({ title: 'Own Title', author: 'Ada Lighthouse' });
  });

  it('JSON: Markdown text with inputFormat markdown sends no markup', async () => {
    const before = simulator.requests.length;
    const manifest = await toEnd(
      await postJson(api, '/v1/renders', {
        provider: 'senseaudio',
        inputFormat: 'markdown',
        text: '## One\n\nA **bold** [link](https://example.com/x) here.\n\n## Two\n\n```\ncode();\n```\n\nThe end.',
      }),
    );
    expect(manifest.chapters.map((c) => c.title)).toEqual(['One', 'Two']);
    const sent = simulator.requests
      .slice(before)
      .map((request) => request.text ?? '')
      .join('\n');
    for (const mark of ['*', '[', 'http', 'code()']) expect(sent).not.toContain(mark);
    expect(sent).toContain('A bold link here.');
  });

  it('a DRM-encrypted EPUB, text and book together, or a chapter past the end: 400 naming the field, nothing enqueued', async () => {
    const locked = await drmEpub(twelveChapterBook(3, jpeg, jpeg));
    // Workers run beside (their heartbeats come and go), so "nothing enqueued" is read from the render list.
    const renders = async (): Promise<number> =>
      ((await (await api.request('/v1/renders?limit=100')).json()) as { renders: unknown[] }).renders.length;
    const rendersBefore = await renders();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ book: locked.toString('base64') }, /^file: this EPUB is DRM-encrypted/],
      [{ book: epub.toString('base64'), text: 'Hello.' }, /^text: give the book either as text/],
      [{ book: epub.toString('base64'), chapters: '30' }, /^chapters: "30" asks for chapter 30, but the book has 16/],
      [{ book: '!!not base64!!' }, /^book: must be base64/],
    ];
    for (const [fields, message] of cases) {
      const response = await postJson(api, '/v1/renders', { provider: 'senseaudio', ...fields });
      const body = (await response.json()) as ApiErrorBody;
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(body.error.message).toMatch(message);
    }
    expect(await renders()).toBe(rendersBefore);
  });
});
