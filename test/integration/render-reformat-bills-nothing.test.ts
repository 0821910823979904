import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../src/render/manifest.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli } from '../support/run-cli.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

const BOOK = [
  '# The Arrival',
  '',
  'They came in the night, when nobody was looking. The town slept.',
  '',
  'By morning the square was full of tents.',
  '',
  '# The Market',
  '',
  'Everything was for sale, and nothing was what it seemed.',
  '',
  'A second paragraph, and a third sentence in it. Then the chapter ends.',
  '',
].join('\n');

/**
 * Issue 11, "Done when": switching `--format` or `--pauses` on a book already rendered bills
 * nothing. Segment keys hold what the provider was asked (text, voice, segment format), never
 * the output format or the pauses, and the plan cuts at the same places whatever the pauses
 * are: the second and third renders find every segment in the cache and send no request.
 */
describe('re-rendering with another output format or other pauses (CLI, SenseAudio simulator)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('reformat');
  const API_KEY = 'sim-key-reformat';
  let simulator: SenseAudioSimulator;
  let dir: string;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 4 });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-reformat-'));
    await writeFile(join(dir, 'book.txt'), BOOK);
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function render(extra: readonly string[]): Promise<{ path: string; manifest: Manifest }> {
    const result = await runCli(
      ['render', join(dir, 'book.txt'), '--provider', 'senseaudio', '--local', '--out', join(dir, 'out'), ...extra],
      { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url, LOG_LEVEL: 'silent' },
    );
    expect(result.code, result.stderr).toBe(0);
    const path = result.stdout.trim().split('\n').at(-1) ?? '';
    return { path, manifest: JSON.parse(await readFile(join(dirname(path), 'manifest.json'), 'utf8')) as Manifest };
  }

  it('bills 0 characters and finds every segment cached', async () => {
    const first = await render([]);
    const spoken = simulator.requests.length;
    const billed = simulator.requests.reduce((sum, request) => sum + (request.usageCharacters ?? 0), 0);
    expect(first.manifest).toMatchObject({ profile: 'audiobook', format: 'mp3', cachedSegments: 0 });
    expect(first.manifest.segments).toHaveLength(6);
    expect(spoken).toBe(6);
    expect(billed).toBeGreaterThan(0);
    expect(first.manifest.billedCharacters, 'the first render pays what the provider billed').toBe(billed);
    const keys = first.manifest.segments.map((segment) => segment.key);

    const m4b = await render(['--format', 'm4b']);
    const rules: Record<string, number> = { paragraph: 1500, heading: 300, chapter: 3000, head: 400, tail: 1200 };
    const list = Object.entries(rules)
      .map(([rule, ms]) => `${rule}=${ms}`)
      .join(',');
    const paused = await render(['--pauses', list, '--format', 'mp3']);
    expect(m4b.path).toMatch(/\.m4b$/);
    expect(m4b.manifest.format).toBe('m4b');
    // The new pauses are in the book (not an earlier output handed back): each place as its rule says.
    expect(paused.manifest.pauseBeforeMs).toBeCloseTo(rules.head ?? 0, 0);
    for (const segment of paused.manifest.segments) {
      expect(segment.pauseAfterMs, `segment ${segment.index} (${segment.pauseReason})`).toBeCloseTo(
        rules[segment.pauseReason ?? ''] ?? 0,
        0,
      );
    }
    expect(paused.manifest.segments.map((segment) => segment.pauseReason)).toEqual([
      'heading',
      'paragraph',
      'chapter',
      'heading',
      'paragraph',
      'tail',
    ]);
    for (const again of [m4b, paused]) {
      expect(again.manifest.billedCharacters).toBe(0);
      expect(again.manifest.cachedSegments).toBe(keys.length);
      expect(again.manifest.segments.map((segment) => segment.key)).toEqual(keys);
      expect(again.manifest.segments.every((segment) => segment.cached)).toBe(true);
    }
    expect(simulator.requests, 'no request after the first render').toHaveLength(spoken);
  });
});
