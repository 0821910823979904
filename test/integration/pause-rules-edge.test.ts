import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { runCli } from '../support/run-cli.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiHarness } from './api-harness.ts';

const BOOK = 'Chapter 1\n\nHello there.\n\nGoodbye.\n';

/**
 * The CLI and the API plan with DEFAULT_PAUSE_RULES and the user's overrides (issue 11 item 1):
 * what they enqueue carries the pauses in the render's outline. No worker runs; nothing is spoken.
 */
describe('pause rules at the edge: --pauses and the API pauses field reach the outline', () => {
  let config: AppConfig;
  let api: ApiHarness;
  let root: string;
  let redis: Redis;
  let store: RenderStore;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ttsb-pause-edge-'));
    config = testConfig({
      API_TOKENS: API_TOKEN,
      API_OUTPUT_ROOT: root,
      API_DEFAULT_OUTPUT: join(root, 'renders'),
      SENSEAUDIO_API_KEY: 'k',
    });
    api = await startApi(config, { providers: new Map([[senseAudioDefinition.name, senseAudioDefinition]]) });
    redis = new Redis(config.REDIS_URL);
    store = new RenderStore(redis, config.QUEUE_PREFIX);
  });

  afterAll(async () => {
    await api?.close();
    redis?.disconnect();
    await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    await rm(root, { recursive: true, force: true });
  });

  const pausesOf = async (id: string) => {
    const outline = await store.outline(id);
    return { before: outline?.pauseBefore, after: outline?.segments.map((s) => s.pauseAfter) };
  };

  it('API: the defaults, and one rule overridden', async () => {
    const plain = await postJson(api, '/v1/renders', { text: BOOK, provider: 'senseaudio', id: 'api-defaults' });
    expect(plain.status).toBe(202);
    expect(await pausesOf('api-defaults')).toEqual({
      before: { ms: 750, reason: 'head' },
      after: [
        { ms: 900, reason: 'heading' },
        { ms: 750, reason: 'paragraph' },
        { ms: 2000, reason: 'tail' },
      ],
    });
    const custom = await postJson(api, '/v1/renders', {
      text: BOOK,
      provider: 'senseaudio',
      id: 'api-custom',
      pauses: { paragraph: 1200, head: 0 },
    });
    expect(custom.status).toBe(202);
    expect(await pausesOf('api-custom')).toEqual({
      before: undefined,
      after: [
        { ms: 900, reason: 'heading' },
        { ms: 1200, reason: 'paragraph' },
        { ms: 2000, reason: 'tail' },
      ],
    });
  });

  it('CLI: --pauses overrides the defaults', async () => {
    const book = join(root, 'book.txt');
    await writeFile(book, BOOK);
    const result = await runCli(
      ['render', book, '--provider', 'senseaudio', '--id', 'cli-custom', '--out', join(root, 'cli'), '--pauses', 'heading=0,tail=3000'],
      { REDIS_URL: config.REDIS_URL, QUEUE_PREFIX: config.QUEUE_PREFIX, SENSEAUDIO_API_KEY: 'k' },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('cli-custom');
    expect(await pausesOf('cli-custom')).toEqual({
      before: { ms: 750, reason: 'head' },
      after: [undefined, { ms: 750, reason: 'paragraph' }, { ms: 3000, reason: 'tail' }],
    });
  });
});
