import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli } from '../support/run-cli.ts';
import { countKeys, deletePrefix, testConfig, uniquePrefix } from '../support/test-config.ts';
import { postJson, startApi, API_TOKEN, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

/** Four chapters of one short sentence each: one segment per chapter. */
const FOUR_CHAPTERS = ['# One', 'Hello there.', '# Two', 'Hello again.', '# Three', 'Still here.', '# Four', 'Goodbye now.'].join('\n');

/**
 * RENDER_MAX_CHAPTERS / RENDER_MAX_SEGMENTS are checked at plan time: a book over either is one
 * clear line (CLI exit 2, API 400) naming the cap, with nothing in Redis and no provider request.
 */
describe('render caps are checked before anything is billed', () => {
  const redisUrl = inject('redisUrl');
  const API_KEY = 'sim-secret-key-caps';
  let simulator: SenseAudioSimulator;
  let dir: string;
  let book: string;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 0 });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-caps-'));
    book = join(dir, 'book.txt');
    await writeFile(book, FOUR_CHAPTERS);
  });

  afterAll(async () => {
    await simulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['RENDER_MAX_CHAPTERS', '3', /^tts-batch: text: has 4 chapters, more than the 3 one render may have \(RENDER_MAX_CHAPTERS\)/],
    // Each chapter's heading line is a segment of its own (issue 11 item 1): 4 chapters, 8 segments.
    ['RENDER_MAX_SEGMENTS', '3', /^tts-batch: text: splits into 8 segments, more than the 3 one render may have \(RENDER_MAX_SEGMENTS\)/],
  ])('CLI render --local refuses a book over %s=%s: exit 2, one line, zero keys, zero requests', async (name, value, expected) => {
    const prefix = uniquePrefix('caps');
    const result = await runCli(['render', book, '--provider', 'senseaudio', '--out', join(dir, 'out'), '--local'], {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      [name]: value,
    });
    try {
      expect(result.code, `stderr: ${result.stderr}`).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
      expect(result.stdout).toBe('');
      expect(await countKeys(redisUrl, prefix)).toBe(0);
      expect(simulator.requests).toHaveLength(0);
    } finally {
      await deletePrefix(redisUrl, prefix);
    }
  });

  describe('API', () => {
    let config: AppConfig;
    let api: ApiHarness;

    beforeAll(async () => {
      config = testConfig({
        API_TOKENS: API_TOKEN,
        API_DEFAULT_OUTPUT: join(dir, 'api'),
        RENDER_MAX_CHAPTERS: '3',
        RENDER_MAX_SEGMENTS: '100',
      });
      api = await startApi(config);
    });

    afterAll(async () => {
      await api?.close();
      await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    });

    it('answers 400 naming RENDER_MAX_CHAPTERS and enqueues nothing', async () => {
      const response = await postJson(api, '/v1/renders', { text: FOUR_CHAPTERS, provider: 'senseaudio', format: 'mp3' });
      const answer = (await response.json()) as ApiErrorBody;
      expect(response.status, JSON.stringify(answer)).toBe(400);
      expect(answer.error.code).toBe('INPUT_INVALID');
      expect(answer.error.field).toBe('text');
      expect(answer.error.message).toMatch(/has 4 chapters, more than the 3 one render may have \(RENDER_MAX_CHAPTERS\)/);
      expect(await countKeys(config.REDIS_URL, config.QUEUE_PREFIX)).toBe(0);
    });
  });
});
