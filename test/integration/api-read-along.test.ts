import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
import { epubEntries, twelveChapterBook, zipBytes, type FixtureBook } from '../support/epub-builder.ts';
import { lavfiPicture } from '../support/lavfi.ts';
import { pollUntil } from '../support/poll-until.ts';
import { walkReadAlong } from '../support/read-along-check.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

const API_KEY = 'sim-key-api-readalong-3b9e';
const providers = new Map([[senseAudioDefinition.name, senseAudioDefinition]]);

interface Deployment {
  simulator: () => SenseAudioSimulator;
  api: () => ApiHarness;
  /** A scratch folder outside the output, for the fixtures. */
  dir: () => string;
  /** A 64×64 JPEG, the fixtures' cover and figure. */
  jpeg: () => Buffer;
}

/** An API and in-process workers on a private prefix, rendering against their own simulator. */
function useDeployment(label: string): Deployment {
  let simulator: SenseAudioSimulator;
  let config: AppConfig;
  let api: ApiHarness;
  let out: string;
  let dir: string;
  let jpeg: Buffer;
  let workers: WorkerRuntime;

  beforeAll(async () => {
    // Speech at a pace with pauses between sentences, as the CLI's read-along test has it, so clips have real lengths.
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 20, tone: 'sentences' });
    out = await mkdtemp(join(tmpdir(), `ttsb-api-readalong-${label}-`));
    dir = await mkdtemp(join(tmpdir(), `ttsb-api-readalong-${label}-src-`));
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
    await lavfiPicture(join(dir, 'cover.jpg'), 'navy', '64x64');
    jpeg = await readFile(join(dir, 'cover.jpg'));
  });

  afterAll(async () => {
    await workers?.close(5000);
    await api?.close();
    await simulator?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    if (out) await rm(out, { recursive: true, force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  return { simulator: () => simulator, api: () => api, dir: () => dir, jpeg: () => jpeg };
}

/** The fixture zipped, and written to `dir` too: the walk compares the read-along's pages with the source's. */
async function fixtureEpub(dir: string, name: string, book: FixtureBook): Promise<{ bytes: Buffer; path: string }> {
  const bytes = await zipBytes(epubEntries(book));
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { bytes, path };
}

/**
 * Issue 13 over the real API: `readAlong: true` with an EPUB 3 book writes `<book>.epub` beside
 * the book, listed in the manifest, and the EPUB is one a reading system can use (the CLI test's walk).
 */
describe('API: readAlong on a render (issue 13)', () => {
  const deployment = useDeployment('ok');

  /** Waits for the accepted render to end, and reads back its folder, book file and manifest. */
  async function toEnd(response: Response): Promise<{ folder: string; bookPath: string; manifest: Manifest }> {
    const api = deployment.api();
    const accepted = (await response.json()) as { id: string; chapters: number };
    expect(response.status, JSON.stringify(accepted)).toBe(202);
    expect(accepted.chapters).toBe(12);
    const view = await pollUntil(
      `render ${accepted.id} ends`,
      async () => (await (await api.request(`/v1/renders/${accepted.id}`)).json()) as RenderView,
      (state) => state.status === 'completed' || state.status === 'failed' || state.status === 'cancelled',
      150_000,
      100,
    );
    expect(view.status, JSON.stringify(view.error)).toBe('completed');
    const bookPath = fileURLToPath(view.result?.location ?? '');
    const folder = dirname(bookPath);
    const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as Manifest;
    return { folder, bookPath, manifest };
  }

  /** The manifest lists the read-along beside the book file, and the EPUB passes the walk. */
  async function expectReadAlong(
    rendered: { folder: string; bookPath: string; manifest: Manifest },
    fixture: FixtureBook,
    source: string,
  ): Promise<void> {
    const { folder, bookPath, manifest } = rendered;
    // Written by hand beside the fixture's markup: each chapter's title, then its paragraphs as read.
    const expected = fixture.chapters.flatMap((chapter) => [chapter.title, ...chapter.paragraphs.map((p) => p.spoken)]);
    const sentences = manifest.sentences ?? [];
    expect(sentences.map((s) => s.text)).toEqual(expected);
    const book = manifest.files.find((file) => file.role === 'book');
    expect(book?.name).toBe('The Keeper of the Light.m4b');
    expect(join(folder, book?.name ?? '')).toBe(bookPath);
    const listed = manifest.files.filter((file) => file.role === 'read-along');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      name: 'The Keeper of the Light.epub',
      format: 'epub',
      readAlong: { synced: 36, unsynced: 0, documents: 12 },
    });
    const path = join(folder, listed[0]?.name ?? '');
    expect((await readFile(path)).length, 'bytes against the manifest').toBe(listed[0]?.bytes);
    expect(await walkReadAlong(path, source, sentences, { path: bookPath, durationMs: manifest.durationMs }, 'audio/mp4')).toBe(36);
  }

  it('JSON: the 12-chapter EPUB 3 as base64 with fileName, m4b: <book>.epub listed (36 synced, 0 unsynced, 12 documents), epubcheck clean, every <par> resolves', async () => {
    const fixture = twelveChapterBook(3, deployment.jpeg(), deployment.jpeg());
    const { bytes, path } = await fixtureEpub(deployment.dir(), 'keeper.epub', fixture);
    const rendered = await toEnd(
      await postJson(deployment.api(), '/v1/renders', {
        provider: 'senseaudio',
        book: bytes.toString('base64'),
        fileName: 'keeper.epub',
        readAlong: true,
        format: 'm4b',
      }),
    );
    await expectReadAlong(rendered, fixture, path);
  }, 180_000);

  it('multipart: the same book as a `book` file part and the fields as a `request` JSON part', async () => {
    const fixture = twelveChapterBook(3, deployment.jpeg(), deployment.jpeg());
    const { bytes, path } = await fixtureEpub(deployment.dir(), 'keeper-multipart.epub', fixture);
    const form = new FormData();
    form.append('book', new Blob([bytes], { type: 'application/epub+zip' }), 'keeper.epub');
    form.append('request', JSON.stringify({ provider: 'senseaudio', readAlong: true, format: 'm4b' }));
    const rendered = await toEnd(await deployment.api().request('/v1/renders', { method: 'POST', body: form }));
    expect(rendered.manifest.source).toMatchObject({ name: 'keeper.epub', format: 'epub', bytes: bytes.length });
    await expectReadAlong(rendered, fixture, path);
  }, 180_000);
});

/**
 * A read-along that cannot be made is a 400 naming `readAlong` before anything is enqueued or
 * billed: workers serve this deployment's simulator, so a render that slipped through would reach it.
 */
describe('API: readAlong refused (issue 13)', () => {
  const deployment = useDeployment('bad');

  it('text input, an EPUB 2, flac, the raw profile: 400 naming readAlong in one line, nothing enqueued or billed', async () => {
    const api = deployment.api();
    const epub2 = await fixtureEpub(deployment.dir(), 'keeper-2.epub', twelveChapterBook(2, deployment.jpeg(), deployment.jpeg()));
    const epub3 = await fixtureEpub(deployment.dir(), 'keeper-3.epub', twelveChapterBook(3, deployment.jpeg(), deployment.jpeg()));
    const book3 = { book: epub3.bytes.toString('base64'), fileName: 'keeper-3.epub' };
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['text input', { text: 'Just a sentence.' }, /^readAlong: needs an EPUB input .*this input reads as text$/],
      [
        'an EPUB 2',
        { book: epub2.bytes.toString('base64'), fileName: 'keeper-2.epub' },
        /^readAlong: needs an EPUB 3 book .*version 2\.0$/,
      ],
      ['flac', { ...book3, format: 'flac' }, /^readAlong: EPUB 3 readers play mp3 or m4b audio; the output format is flac$/],
      [
        'the raw profile',
        { ...book3, profile: 'raw' },
        /^readAlong: the raw profile joins segments without mastering; choose another profile for a read-along$/,
      ],
    ];
    for (const [what, fields, message] of cases) {
      const response = await postJson(api, '/v1/renders', { provider: 'senseaudio', readAlong: true, ...fields });
      const body = (await response.json()) as ApiErrorBody;
      expect(response.status, `${what}: ${JSON.stringify(body)}`).toBe(400);
      expect(body.error.code, what).toBe('INPUT_INVALID');
      expect(body.error.field, what).toBe('readAlong');
      expect(
        body.error.issues?.map((issue) => issue.field),
        what,
      ).toEqual(['readAlong']);
      expect(body.error.message, what).toMatch(message);
      expect(body.error.message, `${what}: one line`).not.toContain('\n');
    }
    // Workers run beside (their heartbeats write keys), so "nothing enqueued" is read from the render list.
    const listed = (await (await api.request('/v1/renders?limit=500')).json()) as { renders: unknown[] };
    expect(listed.renders, 'renders enqueued').toEqual([]);
    expect(deployment.simulator().requests.length, 'requests the simulator received').toBe(0);
  });
});
