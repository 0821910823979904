import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RenderStore } from '../../src/render/render-store.ts';
import { runCli } from '../support/run-cli.ts';
import { countKeys, deletePrefix, uniquePrefix } from '../support/test-config.ts';

/** `render --set KEY=VALUE`: provider settings by name, checked like the flags, with one clear line when bad. */
describe('tts-batch render --set', () => {
  const redisUrl = inject('redisUrl');
  let dir: string;
  let book: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ttsb-cli-set-'));
    book = join(dir, 'book.txt');
    await writeFile(book, 'Chapter 1\n\nHello there. 你好。\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['not KEY=VALUE', ['--set', 'speed'], /set: expected KEY=VALUE/],
    ['a number that is not one', ['--set', 'speed=fast'], /speed: must be a number/],
    ['out of range', ['--set', 'vol=11'], /vol: .*10/],
    ['a setting the provider lacks', ['--set', 'temperature=0.5'], /temperature: senseaudio has no such setting/],
    [
      'given as a flag and with --set',
      ['--speed', '1.1', '--set', 'speed=1.2'],
      /speed: given both as --speed and as --set speed=…; give it once/,
    ],
  ])('%s: one line, exit 2, nothing enqueued', async (_name, flags, expected) => {
    const prefix = uniquePrefix('cliset');
    const result = await runCli(['render', book, '--provider', 'senseaudio', ...flags], {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SENSEAUDIO_API_KEY: 'k',
    });
    expect(result.code, `stderr: ${result.stderr}`).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^tts-batch: /);
    expect(lines[0]).toMatch(expected);
    expect(await countKeys(redisUrl, prefix)).toBe(0);
  });

  it('enqueues a render with the settings, flags and --set together', async () => {
    const prefix = uniquePrefix('cliset');
    const redis = new Redis(redisUrl);
    try {
      const result = await runCli(
        [
          'render',
          book,
          '--provider',
          'senseaudio',
          '--speed',
          '1.1',
          '--set',
          'latex_read=true',
          '--set',
          'pitch=-2',
          '--out',
          join(dir, 'out'),
        ],
        {
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: prefix,
          SENSEAUDIO_API_KEY: 'k',
        },
      );
      expect(result.code, result.stderr).toBe(0);
      const id = result.stdout.trim().split('\n')[0] ?? '';
      const state = await new RenderStore(redis, prefix).get(id);
      expect(state?.spec.voiceSettings).toEqual({ speed: 1.1, latex_read: true, pitch: -2 });
    } finally {
      redis.disconnect();
      await deletePrefix(redisUrl, prefix);
    }
  });
});
