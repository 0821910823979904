import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { segmentTimingsKey } from '../../src/master/subtitles/segment-timings.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { cliRendered } from '../support/render-output.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

const BOOK = [
  '# One',
  '',
  'The harbour was still, and the boats lay quiet. A gull cried twice! Nobody on the quay said a word.',
  '',
  'Night came early. The lamp turned, slowly, over the water. Was anyone watching?',
  '',
  '# Two',
  '',
  'Morning brought the fog back. 雾又回来了。The keeper climbed the stairs, one by one. He lit the lamp.',
  '',
].join('\n');

interface Completed {
  segments: number;
  sentenceTimings?: { reused: number; aligned: number; stored: number; estimated: number };
}

/** The worker's "render completed" log line (pino JSON on stderr). */
function completedLine(result: CliResult): Completed {
  const line = result.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string } & Completed)
    .find((entry) => entry.msg === 'render completed');
  expect(line, result.stderr).toBeDefined();
  return line as Completed;
}

describe('sentence times are stored beside each segment and reused (issue 13 item 2)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('timings');
  const API_KEY = 'sim-key-timings-31c4';
  let simulator: SenseAudioSimulator;
  let dir: string;
  const render = (out: string, env: Record<string, string> = {}): Promise<CliResult> =>
    runCli(
      [
        'render',
        join(dir, 'harbour.txt'),
        '--provider',
        'senseaudio',
        '--local',
        '--out',
        join(dir, out),
        '--segment-format',
        'wav',
        '--subtitles',
        'srt',
      ],
      {
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        SENSEAUDIO_API_KEY: API_KEY,
        SENSEAUDIO_BASE_URL: simulator.url,
        LOG_LEVEL: 'info',
        ...env,
      },
    );

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 10, tone: 'sentences' });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-timings-'));
    await writeFile(join(dir, 'harbour.txt'), BOOK);
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a first render aligns every segment and stores its times; a re-render of the unchanged book aligns none and gives the same cues', async () => {
    const first = await render('out');
    expect(first.code, first.stderr).toBe(0);
    const firstLog = completedLine(first);
    const { manifest, folder } = await cliRendered(first.stdout);
    const segments = manifest.segments.length;
    expect(segments).toBeGreaterThan(3);
    expect(firstLog.sentenceTimings).toEqual({ reused: 0, aligned: segments, stored: segments, estimated: 0 });
    // Beside each segment's audio, under the output's segment store.
    for (const segment of manifest.segments) {
      const stored = JSON.parse(await readFile(join(dir, 'out', segmentTimingsKey(segment.key)), 'utf8')) as { cues: unknown[] };
      expect(stored.cues.length).toBe((manifest.sentences ?? []).filter((s) => s.segment === segment.index).length);
    }
    const srt = await readFile(join(folder, 'harbour.srt'), 'utf8');

    const requests = simulator.requests.length;
    const again = await render('out');
    expect(again.code, again.stderr).toBe(0);
    expect(simulator.requests.length).toBe(requests);
    expect(completedLine(again).sentenceTimings).toEqual({ reused: segments, aligned: 0, stored: 0, estimated: 0 });
    const second = await cliRendered(again.stdout);
    expect(second.folder).not.toBe(folder);
    expect(second.manifest.sentences).toEqual(manifest.sentences);
    expect(await readFile(join(second.folder, 'harbour.srt'), 'utf8')).toBe(srt);
  }, 120_000);

  it('an evicted segment is synthesized and aligned again; the rest are reused', async () => {
    const before = await render('out');
    const { manifest } = await cliRendered(before.stdout);
    const victim = manifest.segments[1];
    expect(victim).toBeDefined();
    const evicted = await runCli(['cache', 'evict', victim?.key ?? '', '--out', join(dir, 'out')], {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    });
    expect(evicted.code, evicted.stderr).toBe(0);
    expect(evicted.stdout).toContain(segmentTimingsKey(victim?.key ?? ''));
    const after = await render('out');
    expect(after.code, after.stderr).toBe(0);
    expect(completedLine(after).sentenceTimings).toEqual({ reused: manifest.segments.length - 1, aligned: 1, stored: 1, estimated: 0 });
  }, 120_000);

  it('past MANIFEST_MAX_SENTENCES the timing map goes to timings.json, listed in the manifest', async () => {
    const inline = await cliRendered((await render('out')).stdout);
    const sentences = inline.manifest.sentences ?? [];
    expect(sentences.length).toBeGreaterThan(5);
    expect(inline.manifest.timings).toBeUndefined();
    const result = await render('out', { MANIFEST_MAX_SENTENCES: '5' });
    expect(result.code, result.stderr).toBe(0);
    const { manifest, folder } = await cliRendered(result.stdout);
    expect(manifest.sentences).toBeUndefined();
    expect(manifest.timings).toEqual({ file: 'timings.json', sentences: sentences.length });
    const text = await readFile(join(folder, 'timings.json'), 'utf8');
    expect(manifest.files.find((file) => file.name === 'timings.json')).toEqual({
      name: 'timings.json',
      role: 'timings',
      format: 'json',
      bytes: Buffer.byteLength(text),
    });
    expect(JSON.parse(text)).toEqual({ id: manifest.id, sentences });
  }, 120_000);
});
