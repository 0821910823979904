import { Queue, QueueEvents } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { synthesizeQueueName } from '../../src/queue/queue-names.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { assertRenderId } from '../../src/render/render-id.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { assertSafeKey } from '../../src/storage/storage-key.ts';
import type { SynthesizeJobData } from '../../src/queue/job-data.ts';
import { startWorkers } from '../../src/worker/start-workers.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli } from '../support/run-cli.ts';
import { countKeys, deletePrefix, testConfig, uniquePrefix } from '../support/test-config.ts';
import { reportFigure } from '../chaos/support/figures.ts';

/**
 * Chaos scenario 8 (docs/reliability.md): render ids, titles, output locations and storage keys
 * that try to leave the output root (`../`, absolute paths, NUL, overlong names, line breaks) are
 * refused with one line, or kept as data; nothing is written outside the output root.
 */

/** Every file and folder under `root`, as relative paths. */
async function listTree(root: string): Promise<Set<string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return new Set(entries.map((entry) => relative(root, join(entry.parentPath, entry.name))));
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

describe('chaos (fast): hostile ids, titles, locations and keys never leave the output root', () => {
  const redisUrl = inject('redisUrl');
  // The temp parent of the output root: everything a render may touch is inside it, and it is listed before and after.
  let parent: string;
  let before: Set<string>;
  let simulator: SenseAudioSimulator;
  const evil = `ttsb-evil-${randomBytes(4).toString('hex')}`;
  /** The hostile title's book folder (issue 11 item 6: named after the title, not the id). */
  const titledFolder = `${evil}-x-part-1`;
  const prefixes: string[] = [];
  let refused = 0;

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'ttsb-paths-'));
    await mkdir(join(parent, 'cwd'));
    await mkdir(join(parent, 'out'));
    await writeFile(join(parent, 'cwd', 'book.txt'), 'Chapter 1\n\nA short book. It has two sentences.\n');
    simulator = await startSenseAudioSimulator({ apiKey: 'paths-key', msPerChar: 1 });
    before = await listTree(parent);
  });
  afterAll(async () => {
    await simulator.close();
    for (const prefix of prefixes) await deletePrefix(redisUrl, prefix);
    await rm(parent, { recursive: true, force: true });
  });

  const cli = (args: string[], file = 'book.txt') => {
    const prefix = uniquePrefix('paths');
    prefixes.push(prefix);
    const env = { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, SENSEAUDIO_API_KEY: 'paths-key', SENSEAUDIO_BASE_URL: simulator.url };
    return runCli(['render', file, '--provider', 'senseaudio', '--out', '../out', ...args], env, join(parent, 'cwd')).then((result) => ({
      result,
      prefix,
    }));
  };

  const refusals: { name: string; args: string[]; file?: string; expected: RegExp }[] = [
    { name: 'an id climbing out with ../', args: ['--id', `../../${evil}`], expected: /^tts-batch: id: must be 1–64 letters/ },
    { name: 'an absolute id', args: ['--id', join(tmpdir(), evil)], expected: /^tts-batch: id: must be 1–64 letters/ },
    { name: 'an id of ..', args: ['--id', '..'], expected: /^tts-batch: id: must be 1–64 letters/ },
    { name: 'an overlong id', args: ['--id', 'a'.repeat(5000)], expected: /^tts-batch: id: must be 1–64 letters/ },
    { name: 'an id with a line break', args: ['--id', `ok\n${evil}`], expected: /^tts-batch: id: must be 1–64 letters/ },
    {
      name: 'an S3 prefix with ..',
      args: ['--out', `s3://bucket/books/../../${evil}`],
      expected: /^tts-batch: output: "s3:\/\/bucket\/books\/\.\.\/\.\.\/ttsb-evil-[0-9a-f]+" prefix has a "\.\." segment$/,
    },
    {
      name: 'an S3 prefix that is absolute',
      args: ['--out', `s3://bucket//${evil}`],
      expected: /^tts-batch: output: .* prefix starts with "\/"/,
    },
    {
      name: 'an overlong S3 prefix (shown shortened)',
      args: ['--out', `s3://bucket/${'p'.repeat(3000)}`],
      expected: /^tts-batch: output: "s3:\/\/bucket\/p{108}…" prefix is longer than 1024 bytes$/,
    },
    {
      name: 'an S3 prefix with a line break',
      args: ['--out', `s3://bucket/a\n${evil}`],
      expected: /^tts-batch: output: "s3:\/\/bucket\/a\\nttsb-evil-[0-9a-f]+" prefix segment/,
    },
    {
      name: 'a file name with a line break and an escape sequence',
      args: [],
      file: `../${evil}\n\u001b[2Jname.txt`,
      expected: /^tts-batch: file: no such file: \.\.\/ttsb-evil-[0-9a-f]+\\n\\u001b\[2Jname\.txt$/,
    },
  ];
  for (const refusal of refusals) {
    // Concurrent: each case is a CLI process mostly starting up.
    it.concurrent(`refuses ${refusal.name}: exit 2, one line, nothing enqueued`, async ({ expect }) => {
      const { result, prefix } = await cli(refusal.args, refusal.file);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.split('\n').filter(Boolean), `one line on stderr, got:\n${result.stderr}`).toHaveLength(1);
      expect(result.stderr.trimEnd()).toMatch(refusal.expected);
      expect(result.stdout).toBe('');
      expect(await countKeys(redisUrl, prefix)).toBe(0);
      refused += 1;
    });
  }

  it('refuses NUL in an id, a location and a key (it cannot come through argv, but it can through an API or job data)', async () => {
    expect(() => assertRenderId(`a\0b`)).toThrow(InputError);
    expect(() => describeLocation(`${parent}/out\0/x`)).toThrow(/output: contains a NUL character/);
    expect(() => assertSafeKey(`a\0b`)).toThrow(/key: .*contains a NUL character/);
    await expect(new LocalStorage(join(parent, 'out')).put(`../${evil}\0`, (async function* () {})())).rejects.toThrow(InputError);
    refused += 4;
  });

  it('keeps a hostile title as data: the render completes and writes only under out/<book>/ and out/.segments/', async () => {
    const title = `../../${evil}/x\n\tPart 1 ${'T'.repeat(10_000)}`;
    const { result } = await cli(['--id', 'titled', '--title', title, '--local']);
    expect(result.code, result.stderr).toBe(0);
    // The folder is the title's slug: separators and controls become "-", the 10,000-letter word is too long to keep.
    const bookPath = result.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(relative(join(parent, 'out'), dirname(bookPath))).toBe(titledFolder);
    // The file's name: the title's characters a name cannot hold become spaces, leading dots go, cut to 200 bytes.
    expect(relative(join(parent, 'out'), bookPath)).toBe(`${titledFolder}/${`${evil} x Part 1 ${'T'.repeat(10_000)}`.slice(0, 200)}.mp3`);
    const manifest = JSON.parse(await readFile(join(parent, 'out', titledFolder, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.title).toBe(title);
    expect(await exists(join(tmpdir(), evil))).toBe(false);
  });

  it('a worker refuses job data whose storage key climbs out of the output root, and writes nothing', async () => {
    const config = testConfig({ SENSEAUDIO_API_KEY: 'paths-key', SENSEAUDIO_BASE_URL: simulator.url, RETRY_ATTEMPTS: '1' });
    prefixes.push(config.QUEUE_PREFIX);
    const runtime = await startWorkers({ config, logger: pino({ level: 'silent' }), providers: ['senseaudio'] });
    const queue = new Queue(synthesizeQueueName('senseaudio'), { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    const events = new QueueEvents(synthesizeQueueName('senseaudio'), {
      connection: { url: config.REDIS_URL },
      prefix: config.QUEUE_PREFIX,
    });
    try {
      await events.waitUntilReady();
      const options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3' });
      const requestsBefore = simulator.requests.length;
      for (const key of [`../${evil}.mp3`, `../../${evil}.mp3`, join(tmpdir(), `${evil}.mp3`), `.segments/../../${evil}.mp3`]) {
        const data: SynthesizeJobData = {
          renderId: 'hostile-job',
          index: 0,
          provider: 'senseaudio',
          model: options.model,
          voice: options.voice,
          voiceSettings: options.voiceSettings,
          audio: options.audio,
          text: 'Speak me somewhere else.',
          output: describeLocation(join(parent, 'out')),
          key,
        };
        const job = await queue.add('synthesize', data, { attempts: 1 });
        await expect(job.waitUntilFinished(events, 30_000), `key ${key}`).rejects.toThrow(/key: /);
        refused += 1;
      }
      expect(simulator.requests.length, 'nothing may be spoken for a key that cannot be stored').toBe(requestsBefore);
    } finally {
      await events.close();
      await queue.close();
      await runtime.close(5000);
    }
  });

  it('wrote nothing outside the output root (the temp parent listed before and after)', async () => {
    const after = await listTree(parent);
    const added = [...after].filter((path) => !before.has(path));
    const outside = added.filter((path) => !path.startsWith(`out/${titledFolder}`) && !path.startsWith('out/.segments'));
    expect(outside, 'written outside out/<book>/ and out/.segments/').toEqual([]);
    expect(
      added.some((path) => path === `out/${titledFolder}/manifest.json`),
      'the titled render must have written its book',
    ).toBe(true);
    expect(await exists(join(tmpdir(), `${evil}.mp3`))).toBe(false);
    reportFigure(
      'paths',
      `${refused} hostile ids, locations, file names and keys refused (CLI: exit 2, one line); a 10,000-character title with ../ and control characters kept as data; ${added.length} paths added, all under out/<book>/ and out/.segments/`,
    );
  });
});
