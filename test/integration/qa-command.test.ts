import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli } from '../support/run-cli.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

const BOOK = [
  'The fog had not lifted yet, and the dock was already full of people waiting for the boat.',
  'She spread the old map on the table and circled three places with a pencil.',
  'We had agreed to meet at the bridge, but neither of us waited for the other.',
].join('\n\n');

/**
 * `tts-batch render` checks takes by default (issue 15); `tts-batch qa` lists what no take
 * fixed, with its time in the book, the failed checks and the text, and exits 1. Through the
 * real CLI against the simulator, which silences every take of the second paragraph.
 */
describe('tts-batch qa (CLI)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('qa-cli');
  const API_KEY = 'sim-key-qa-cli-19ad';
  let simulator: SenseAudioSimulator;
  let dir: string;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({
      apiKey: API_KEY,
      msPerChar: 20,
      takeFaults: ({ text }) => (text.startsWith('She spread') ? { variant: 'silent' } : undefined),
    });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-qa-cli-'));
    await writeFile(join(dir, 'book.txt'), BOOK);
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a render with a segment no take fixed completes, and qa names it with its time, checks and text', { timeout: 120_000 }, async () => {
    const env = {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      LOG_LEVEL: 'silent',
    };
    const rendered = await runCli(['render', join(dir, 'book.txt'), '--provider', 'senseaudio', '--local', '--out', join(dir, 'out')], env);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(simulator.requests.filter((r) => r.text?.startsWith('She spread'))).toHaveLength(2);
    const audio = rendered.stdout.trim().split('\n').at(-1) ?? '';
    expect(rendered.stderr).toContain(
      `tts-batch: 1 segment flagged: no take passed its checks (the best was kept); list them with: tts-batch qa ${join(dirname(audio), 'manifest.json')}`,
    );

    const report = await runCli(['qa', join(dirname(audio), 'manifest.json')], env);
    expect(report.code, report.stderr).toBe(1);
    expect(report.stdout).toMatch(/qa on: 3 segments checked, 1 retaken \(1 retakes, \d+ units\), 1 flagged/);
    expect(report.stdout).toMatch(/segment 1 {2}\d\d:\d\d:\d\d\.\d{3}–\d\d:\d\d:\d\d\.\d{3} in .+\.mp3/);
    expect(report.stdout).toContain('failed silent: 0 (≥ 0.1)');
    expect(report.stdout).toContain('text: She spread the old map on the table and circled three places with a pencil.');

    const json = await runCli(['qa', '--json', dirname(audio)], env);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { index: number }[]).map((segment) => segment.index)).toEqual([1]);

    const bad = await runCli(['render', join(dir, 'book.txt'), '--provider', 'senseaudio', '--local', '--max-takes', '11'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('tts-batch: maxTakes: must be a whole number from 1 to 10 (each take is billed)');
  });
});
