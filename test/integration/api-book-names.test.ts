import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderView } from '../../src/api/render-view.ts';
import { MAX_COVER_BYTES } from '../../src/master/encode/cover-image.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { startWorkers, type WorkerRuntime } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { ffprobeChapters, requireFfmpeg } from '../support/ffmpeg.ts';
import { lavfiPicture } from '../support/lavfi.ts';
import { pollUntil } from '../support/poll-until.ts';
import { countKeys, deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

const run = promisify(execFile);
const API_KEY = 'sim-key-api-names-7c31';
const providers = new Map([[senseAudioDefinition.name, senseAudioDefinition]]);

/** A small JPEG made by ffmpeg, base64 as the API takes it. */
async function coverBase64(dir: string): Promise<string> {
  const path = join(dir, 'cover.jpg');
  await lavfiPicture(path, 'teal', '64x64');
  return (await readFile(path)).toString('base64');
}

/** The tags and the attached picture ffprobe reads in a file. */
async function probeTagsAndPicture(path: string): Promise<{ tags: Record<string, string>; picture: boolean }> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format_tags:stream=codec_type:stream_disposition=attached_pic',
    '-of',
    'json',
    path,
  ]);
  const probed = JSON.parse(stdout) as {
    format: { tags?: Record<string, string> };
    streams: { codec_type: string; disposition?: { attached_pic?: number } }[];
  };
  return {
    tags: probed.format.tags ?? {},
    picture: probed.streams.some((stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic === 1),
  };
}

/**
 * Issue 11 item 6 over the real API: a book's download is sent under the book's own file name
 * (Content-Disposition, ASCII fallback and RFC 5987 UTF-8 name), from the folder named after it;
 * in-process workers and the SenseAudio simulator do the render.
 */
describe('API: a delivered book downloads under its own name', () => {
  let simulator: SenseAudioSimulator;
  let config: AppConfig;
  let api: ApiHarness;
  let out: string;
  let workers: WorkerRuntime;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 1 });
    out = await mkdtemp(join(tmpdir(), 'ttsb-api-names-'));
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
  });

  afterAll(async () => {
    await workers?.close(5000);
    await api?.close();
    await simulator?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    if (out) await rm(out, { recursive: true, force: true });
  });

  /** POSTs the render and waits (polling GET) until it is completed; returns its view. */
  async function renderToEnd(body: Record<string, unknown>): Promise<RenderView> {
    const response = await postJson(api, '/v1/renders', { provider: 'senseaudio', voice: 'male_0004_a', ...body });
    const accepted = (await response.json()) as { id: string };
    expect(response.status, JSON.stringify(accepted)).toBe(202);
    const view = await pollUntil(
      `render ${accepted.id} ends`,
      async () => (await (await api.request(`/v1/renders/${accepted.id}`)).json()) as RenderView,
      (state) => state.status === 'completed' || state.status === 'failed' || state.status === 'cancelled',
      60_000,
      100,
    );
    expect(view.status, JSON.stringify(view.error)).toBe('completed');
    return view;
  }

  it('an m4b with title, author and cover: Content-Disposition names "The Sample Book.m4b", Content-Type audio/mp4', async () => {
    const view = await renderToEnd({
      text: 'Chapter 1: Fog\n\nThe harbour was still wrapped in fog.\n\nChapter 2: Light\n\nThe lighthouse swept the water.',
      title: 'The Sample Book',
      author: 'A. Writer',
      cover: await coverBase64(out),
      format: 'm4b',
    });
    const onDisk = join(out, 'the-sample-book', 'The Sample Book.m4b');
    const file = await readFile(onDisk);

    const response = await api.request(`/v1/renders/${view.id}/audio`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/mp4');
    expect(response.headers.get('content-disposition')).toBe(
      `inline; filename="The Sample Book.m4b"; filename*=UTF-8''The%20Sample%20Book.m4b`,
    );
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(file), 'the download is the file in the book folder').toBe(true);

    const head = await api.request(`/v1/renders/${view.id}/audio`, { method: 'HEAD' });
    expect(head.headers.get('content-disposition')).toBe(response.headers.get('content-disposition'));
    expect(head.headers.get('content-type')).toBe('audio/mp4');

    // The cover and the tags are inside the delivered file (ffprobe's reading, not the manifest's).
    const probed = await probeTagsAndPicture(onDisk);
    expect(probed.tags).toMatchObject({ title: 'The Sample Book', artist: 'A. Writer' });
    expect(probed.picture, 'an attached cover picture').toBe(true);
    expect((await readdir(join(out, 'the-sample-book'))).sort()).toEqual(['The Sample Book.m4b', 'cover.jpg', 'manifest.json']);
  });

  it('a non-ASCII title ("三体"): an ASCII fallback and the UTF-8 name, from the folder 三体/', async () => {
    const view = await renderToEnd({ text: '第一章 开始\n\n这是一个很短的故事。', title: '三体', format: 'm4b' });
    const response = await api.request(`/v1/renders/${view.id}/audio`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/mp4');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="__.m4b"; filename*=UTF-8''%E4%B8%89%E4%BD%93.m4b`);
    const file = await readFile(join(out, '三体', '三体.m4b'));
    expect(Buffer.from(await response.arrayBuffer()).equals(file)).toBe(true);
  });

  it('a title with quotes, an apostrophe and parentheses: kept in the UTF-8 name, safe in the fallback', async () => {
    // Text before the first heading is a chapter with no title of its own: its mark is the book's.
    const view = await renderToEnd({
      text: 'A short preface.\n\nChapter 1: Down the Hole\n\nThe story begins.',
      title: 'Alice\'s "Wonderland" (1865)',
      format: 'mp3',
    });
    const response = await api.request(`/v1/renders/${view.id}/audio`);
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    // The file is named without the quotes (no file system takes every one of them).
    expect(response.headers.get('content-disposition')).toBe(
      `inline; filename="Alice's Wonderland (1865).mp3"; filename*=UTF-8''Alice%27s%20Wonderland%20%281865%29.mp3`,
    );
    const onDisk = join(out, 'alice-s-wonderland-1865', "Alice's Wonderland (1865).mp3");
    expect(Buffer.from(await response.arrayBuffer()).equals(await readFile(onDisk))).toBe(true);
    expect((await ffprobeChapters(onDisk)).map((chapter) => chapter.title)).toEqual([
      'Alice\'s "Wonderland" (1865)',
      'Chapter 1: Down the Hole',
    ]);
    expect((await probeTagsAndPicture(onDisk)).tags.title).toBe('Alice\'s "Wonderland" (1865)');
  });
});

/** Refused fields over real HTTP, with no workers: nothing may reach Redis or the output. */
describe('API: delivery fields are checked before anything is enqueued', () => {
  let config: AppConfig;
  let api: ApiHarness;
  let out: string;

  beforeAll(async () => {
    await requireFfmpeg();
    out = await mkdtemp(join(tmpdir(), 'ttsb-api-delivery-input-'));
    config = testConfig({
      SENSEAUDIO_API_KEY: API_KEY,
      API_TOKENS: API_TOKEN,
      API_DEFAULT_OUTPUT: out,
      API_OUTPUT_ROOT: out,
      // Room for a cover over 8 MiB in base64, so the cover's own check answers, not the body limit.
      API_BODY_LIMIT: String(16 * 1024 * 1024),
    });
    api = await startApi(config, { providers });
  });

  afterAll(async () => {
    await api?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    if (out) await rm(out, { recursive: true, force: true });
  });

  const valid = { text: 'Hello there. A short text.', provider: 'senseaudio', voice: 'male_0004_a' };

  async function expectRefused(body: Record<string, unknown>, field: string, rule: RegExp): Promise<void> {
    const response = await postJson(api, '/v1/renders', { ...valid, ...body });
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status, JSON.stringify(answer).slice(0, 500)).toBe(400);
    expect(answer.error.code).toBe('INPUT_INVALID');
    expect(answer.error.field, JSON.stringify(answer).slice(0, 500)).toBe(field);
    expect(answer.error.message).toMatch(rule);
  }

  it('a cover that is not an image: 400 naming cover', async () => {
    await expectRefused(
      { cover: Buffer.from('this is plain text, not a picture').toString('base64') },
      'cover',
      /neither a JPEG nor a PNG/,
    );
  });

  it('a cover that is not base64: 400 naming cover', async () => {
    await expectRefused({ cover: 'not base64 at all!' }, 'cover', /must be base64/);
  });

  it('a JPEG header on bytes that do not decode: 400 naming cover, the temp path not leaked', async () => {
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]);
    const response = await postJson(api, '/v1/renders', { ...valid, cover: fake.toString('base64') });
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status).toBe(400);
    expect(answer.error.field).toBe('cover');
    expect(answer.error.message).toMatch(/does not decode as an image/);
    expect(answer.error.message).not.toMatch(/tts-batch-cover-|\/tmp\//);
  });

  it('a cover one byte over 8 MiB: 400 naming cover', async () => {
    // A JPEG's first bytes, then padding: refused for its size before anything decodes it.
    const big = Buffer.alloc(MAX_COVER_BYTES + 1, 0);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    await expectRefused({ cover: big.toString('base64') }, 'cover', /8388609 bytes; a cover may have at most 8388608 \(8 MiB\)/);
  });

  it('a cover far over 8 MiB: refused by its length alone, naming cover', async () => {
    const response = await postJson(api, '/v1/renders', { ...valid, cover: 'A'.repeat(12 * 1024 * 1024) });
    const answer = (await response.json()) as ApiErrorBody;
    expect(response.status).toBe(400);
    expect(answer.error.field).toBe('cover');
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['an unknown profile', { profile: 'loud' }, 'profile', /must be one of audiobook, acx, podcast, raw/],
    ['an unknown format', { format: 'aac' }, 'format', /must be one of mp3, m4b, flac, opus, wav, pcm/],
    ['acx asked for m4b', { profile: 'acx', format: 'm4b' }, 'format', /acx profile delivers MP3/],
    ['raw asked to encode m4b', { profile: 'raw', format: 'm4b' }, 'format', /raw profile joins the mp3 segments as they are/],
    ['an unknown split', { split: 'chapters' }, 'split', /must be chapter or none/],
    ['raw split by chapter', { profile: 'raw', split: 'chapter' }, 'split', /raw profile writes the join as one file/],
    ['acx as one file', { profile: 'acx', split: 'none' }, 'split', /acx profile delivers one file per chapter/],
    ['a bitrate for flac', { format: 'flac', outputBitrate: 128 }, 'outputBitrate', /applies to mp3, m4b and opus; flac has none/],
    ['a bitrate under raw', { profile: 'raw', outputBitrate: 128 }, 'outputBitrate', /raw profile re-encodes nothing/],
    ['an mp3 bitrate the frame header cannot say', { outputBitrate: 100 }, 'outputBitrate', /mp3 at \d+ Hz takes/],
    ['acx under 192 kbps', { profile: 'acx', outputBitrate: 160 }, 'outputBitrate', /acx profile needs at least 192 kbps/],
    ['a three-digit year', { year: 999 }, 'year', /four-digit year/],
    ['a blank title', { title: '  ' }, 'title', /non-empty string/],
    ['acx with a 200 ms head', { profile: 'acx', pauses: { head: 200 } }, 'pauses.head', /500–1000 ms at the head/],
    ['acx with a 6 s tail', { profile: 'acx', pauses: { tail: 6000 } }, 'pauses.tail', /1000–5000 ms at the tail/],
    ['acx with a 1 s chapter pause', { profile: 'acx', pauses: { chapter: 1000 } }, 'pauses.chapter', /at least 1500 ms/],
    ['acx with a 9 s chapter pause', { profile: 'acx', pauses: { chapter: 9000 } }, 'pauses.chapter', /at most 5750 ms/],
  ])('%s: 400 naming its field', async (_name, body, field, rule) => {
    await expectRefused(body, field, rule);
  });

  it('a bad delivery field is named even when the cover is good: the cover is never stored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ttsb-cover-'));
    try {
      await expectRefused({ cover: await coverBase64(dir), format: 'aac' }, 'format', /must be one of/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('nothing reached Redis or the output: no key under the prefix, no cover or folder written', async () => {
    expect(await countKeys(config.REDIS_URL, config.QUEUE_PREFIX)).toBe(0);
    expect(await readdir(out)).toEqual([]);
  });
});
