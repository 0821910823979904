import { readFile, mkdtemp, rm } from 'node:fs/promises';
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
import { pollUntil } from '../support/poll-until.ts';
import { parseSrtStrict, parseVttStrict, type ParsedCue } from '../support/subtitle-parser.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

const API_KEY = 'sim-key-api-subs-7c41';
const providers = new Map([[senseAudioDefinition.name, senseAudioDefinition]]);

const BOOK = [
  '# The Fog',
  '',
  'The harbour was still. A gull cried <break time=300> twice & flew off.',
  '',
  'Night came early.',
  '',
  '# The Light',
  '',
  'The lamp turned. 灯亮了。It swept the water!',
  '',
].join('\n');

/** The sentences a reader sees, written by hand (not derived from the planner). */
const SENTENCES = [
  'The Fog',
  'The harbour was still.',
  'A gull cried twice & flew off.',
  'Night came early.',
  'The Light',
  'The lamp turned.',
  '灯亮了。',
  'It swept the water!',
];

/** Each text found in the joined cue texts after the one before it: in order, none missing. */
function expectInOrder(texts: readonly string[], cues: readonly ParsedCue[], what: string): void {
  const joined = cues.map((cue) => cue.text).join('\n');
  let from = 0;
  for (const text of texts) {
    const at = joined.indexOf(text, from);
    expect(at, `${what}: ${JSON.stringify(text)} after offset ${from}`).toBeGreaterThanOrEqual(0);
    from = at + text.length;
  }
}

/** An API and in-process workers on a private prefix, rendering against their own simulator. */
function useDeployment(label: string): { simulator: () => SenseAudioSimulator; api: () => ApiHarness } {
  let simulator: SenseAudioSimulator;
  let config: AppConfig;
  let api: ApiHarness;
  let out: string;
  let workers: WorkerRuntime;

  beforeAll(async () => {
    // Speech at a reading pace with pauses between sentences, so cues have real lengths (not 1 ms a character).
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 60, tone: 'sentences' });
    out = await mkdtemp(join(tmpdir(), `ttsb-api-subs-${label}-`));
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

  return { simulator: () => simulator, api: () => api };
}

/**
 * Issue 13 over the real API: `subtitles` on POST /v1/renders writes SubRip and WebVTT files
 * beside the book (and each chapter file), listed in the manifest with their cue counts.
 */
describe('API: subtitles on a render (issue 13)', () => {
  const deployment = useDeployment('ok');

  /** Posts the render, waits for it to end, and reads back its folder and manifest. */
  async function render(fields: Record<string, unknown>): Promise<{ folder: string; manifest: Manifest }> {
    const api = deployment.api();
    const response = await postJson(api, '/v1/renders', { text: BOOK, provider: 'senseaudio', ...fields });
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
    const folder = dirname(fileURLToPath(view.result?.location ?? ''));
    const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as Manifest;
    return { folder, manifest };
  }

  /** Reads a listed subtitle file from the output folder with the strict reader for its format. */
  async function cuesOf(folder: string, name: string): Promise<ParsedCue[]> {
    const file = await readFile(join(folder, name), 'utf8');
    return name.endsWith('.vtt') ? parseVttStrict(file) : parseSrtStrict(file);
  }

  it('subtitles "srt,vtt" with split chapter: a pair for the book and each chapter file, listed with their cue counts', async () => {
    const { folder, manifest } = await render({ title: 'Harbour Lights', subtitles: 'srt,vtt', split: 'chapter' });
    const listed = manifest.files.filter((file) => file.role === 'subtitles');
    expect(listed.map((file) => [file.name, file.format])).toEqual([
      ['Harbour Lights.srt', 'srt'],
      ['Harbour Lights.vtt', 'vtt'],
      ['chapters/01 - The Fog.srt', 'srt'],
      ['chapters/01 - The Fog.vtt', 'vtt'],
      ['chapters/02 - The Light.srt', 'srt'],
      ['chapters/02 - The Light.vtt', 'vtt'],
    ]);

    const cues = new Map<string, ParsedCue[]>();
    for (const file of listed) {
      const parsed = await cuesOf(folder, file.name);
      cues.set(file.name, parsed);
      expect(parsed.length, `${file.name}: cues in the file against the manifest's count`).toBe(file.cues);
      expect((await readFile(join(folder, file.name))).length, `${file.name}: bytes`).toBe(file.bytes);
    }

    const srt = cues.get('Harbour Lights.srt') ?? [];
    const vtt = cues.get('Harbour Lights.vtt') ?? [];
    const sentences = manifest.sentences ?? [];
    const texts = sentences.map((sentence) => sentence.text);
    expect(texts).toEqual(SENTENCES);
    expectInOrder(texts, srt, 'book SRT');
    expectInOrder(texts, vtt, 'book VTT');
    // Short sentences are one cue each, at the manifest's times; the VTT says the same as the SRT.
    expect(srt.map((cue) => [cue.startMs, cue.endMs, cue.text])).toEqual(sentences.map((s) => [s.startMs, s.endMs, s.text]));
    expect(vtt).toEqual(srt);
    const book = manifest.files.find((file) => file.role === 'book');
    expect(srt.at(-1)?.endMs ?? Infinity).toBeLessThanOrEqual(book?.durationMs ?? 0);

    // Each chapter file's cues are that chapter's sentences, in its own time.
    const one = cues.get('chapters/01 - The Fog.srt') ?? [];
    const two = cues.get('chapters/02 - The Light.srt') ?? [];
    expect([...one, ...two].map((cue) => cue.text)).toEqual(SENTENCES);
    expect(cues.get('chapters/01 - The Fog.vtt')).toEqual(one);
    expect(cues.get('chapters/02 - The Light.vtt')).toEqual(two);
    expect(two[0]?.startMs).toBe((srt[4]?.startMs ?? 0) - (manifest.chapters[1]?.startMs ?? 0));
    const chapterTwo = manifest.files.find((file) => file.role === 'chapter' && file.name.startsWith('chapters/02 - The Light.'));
    expect(two.at(-1)?.endMs ?? Infinity).toBeLessThanOrEqual(chapterTwo?.durationMs ?? 0);
  });

  it('subtitles "vtt" without split: only <book>.vtt', async () => {
    const { folder, manifest } = await render({ title: 'Harbour Only VTT', subtitles: 'vtt', format: 'm4b' });
    const listed = manifest.files.filter((file) => file.role === 'subtitles');
    expect(listed.map((file) => file.name)).toEqual(['Harbour Only VTT.vtt']);
    const vtt = await cuesOf(folder, 'Harbour Only VTT.vtt');
    expect(vtt.length).toBe(listed[0]?.cues);
    const texts = (manifest.sentences ?? []).map((sentence) => sentence.text);
    expectInOrder(texts, vtt, 'VTT');
    expect(vtt.map((cue) => cue.text)).toEqual(SENTENCES);
  });
});

/**
 * Bad subtitles input is a 400 naming `subtitles` before anything is enqueued or billed: workers
 * serve this deployment's simulator, so a render that slipped through would reach it.
 */
describe('API: bad subtitles input (issue 13)', () => {
  const deployment = useDeployment('bad');

  it('a bad subtitles value, a list, or subtitles on the raw profile: 400 naming subtitles in one line, nothing enqueued or billed', async () => {
    const api = deployment.api();
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['an unknown format', { subtitles: 'ass' }, /^subtitles: must be srt, vtt or both, comma-separated$/],
      ['one unknown among known', { subtitles: 'srt,ass' }, /^subtitles: must be srt, vtt or both, comma-separated$/],
      // The schema takes the CLI's comma-separated string (docs/api.md), not a JSON list.
      ['a JSON list', { subtitles: ['srt', 'vtt'] }, /^subtitles: .*expected string, received array/i],
      ['an empty string', { subtitles: '' }, /^subtitles: /],
      [
        'the raw profile',
        { subtitles: 'srt', profile: 'raw' },
        /^subtitles: the raw profile joins segments without mastering; choose another profile for subtitles$/,
      ],
    ];
    for (const [what, fields, message] of cases) {
      const response = await postJson(api, '/v1/renders', { text: BOOK, provider: 'senseaudio', ...fields });
      const body = (await response.json()) as ApiErrorBody;
      expect(response.status, `${what}: ${JSON.stringify(body)}`).toBe(400);
      expect(body.error.code, what).toBe('INPUT_INVALID');
      expect(body.error.field, what).toBe('subtitles');
      expect(
        body.error.issues?.map((issue) => issue.field),
        what,
      ).toEqual(['subtitles']);
      expect(body.error.message, what).toMatch(message);
      expect(body.error.message, `${what}: one line`).not.toContain('\n');
    }
    // Workers run beside (their heartbeats write keys), so "nothing enqueued" is read from the render list.
    const listed = (await (await api.request('/v1/renders?limit=500')).json()) as { renders: unknown[] };
    expect(listed.renders, 'renders enqueued').toEqual([]);
    expect(deployment.simulator().requests.length, 'requests the simulator received').toBe(0);
  });
});
