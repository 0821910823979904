import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { cliRendered } from '../support/render-output.ts';
import { parseSrtStrict, parseVttStrict } from '../support/subtitle-parser.ts';
import { countKeys, deletePrefix, uniquePrefix } from '../support/test-config.ts';

const run = promisify(execFile);

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

describe('--subtitles srt,vtt (issue 13 item 3, estimated cues)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('subs');
  const API_KEY = 'sim-key-subs-8d21';
  let simulator: SenseAudioSimulator;
  let dir: string;
  const cli = (args: readonly string[]): Promise<CliResult> =>
    runCli(args, {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      LOG_LEVEL: 'silent',
    });

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 1 });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-subs-'));
    await writeFile(join(dir, 'harbour.txt'), BOOK);
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes <book>.srt/.vtt and one pair per chapter file; strict readers pass; a cue per sentence; ffmpeg takes the VTT', async () => {
    const result = await cli([
      'render',
      join(dir, 'harbour.txt'),
      '--provider',
      'senseaudio',
      '--local',
      '--out',
      join(dir, 'out'),
      '--format',
      'm4b',
      '--split',
      'chapter',
      '--subtitles',
      'srt,vtt',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { bookPath, folder, manifest } = await cliRendered(result.stdout);
    const subtitleFiles = manifest.files.filter((file) => file.role === 'subtitles').map((file) => file.name);
    expect(subtitleFiles).toEqual([
      'harbour.srt',
      'harbour.vtt',
      'chapters/01 - The Fog.srt',
      'chapters/01 - The Fog.vtt',
      'chapters/02 - The Light.srt',
      'chapters/02 - The Light.vtt',
    ]);

    const srt = parseSrtStrict(await readFile(join(folder, 'harbour.srt'), 'utf8'));
    const vtt = parseVttStrict(await readFile(join(folder, 'harbour.vtt'), 'utf8'));
    expect(srt.map((cue) => cue.text)).toEqual(SENTENCES);
    expect(vtt.map((cue) => [cue.startMs, cue.endMs, cue.text])).toEqual(srt.map((cue) => [cue.startMs, cue.endMs, cue.text]));
    const book = manifest.files.find((file) => file.role === 'book');
    expect(srt.at(-1)?.endMs ?? Infinity).toBeLessThanOrEqual(book?.durationMs ?? 0);
    // The head pause of the audiobook profile comes before the first word.
    expect(srt[0]?.startMs ?? 0).toBeGreaterThanOrEqual(500);

    // Each chapter file's cues are in its own time and together are the book's.
    const one = parseSrtStrict(await readFile(join(folder, 'chapters/01 - The Fog.srt'), 'utf8'));
    const two = parseSrtStrict(await readFile(join(folder, 'chapters/02 - The Light.srt'), 'utf8'));
    expect([...one, ...two].map((cue) => cue.text)).toEqual(SENTENCES);
    const chapterTwo = manifest.files.find((file) => file.name === 'chapters/02 - The Light.m4b');
    expect(two.at(-1)?.endMs ?? Infinity).toBeLessThanOrEqual(chapterTwo?.durationMs ?? 0);
    expect(two[0]?.startMs).toBe((srt[4]?.startMs ?? 0) - (manifest.chapters[1]?.startMs ?? 0));

    const muxed = join(dir, 'with-subs.mkv');
    await run('ffmpeg', [
      '-v',
      'error',
      '-i',
      bookPath,
      '-i',
      join(folder, 'harbour.vtt'),
      '-map',
      '0:a',
      '-map',
      '1:s',
      '-c',
      'copy',
      muxed,
    ]);
    const probed = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'csv=p=0', muxed]);
    expect(probed.stdout).toContain('webvtt,subtitle');
  });

  it('a bad --subtitles value, or subtitles on the raw profile, is one line naming the field, before anything is enqueued', async () => {
    const keys = await countKeys(redisUrl, prefix);
    const asked = (...extra: string[]): Promise<CliResult> =>
      cli(['render', join(dir, 'harbour.txt'), '--provider', 'senseaudio', '--out', join(dir, 'out'), ...extra]);
    const bad = await asked('--subtitles', 'ass');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^tts-batch: subtitles: must be srt, vtt or both/);
    const raw = await asked('--profile', 'raw', '--subtitles', 'srt');
    expect(raw.code).toBe(2);
    expect(raw.stderr).toContain('subtitles: the raw profile');
    expect(await countKeys(redisUrl, prefix)).toBe(keys);
  });
});
