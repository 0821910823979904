import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { countKeys, uniquePrefix } from '../support/test-config.ts';

/** Issue #8 item 3: `--voice klingon` rendered a whole book; an unknown voice is now refused before enqueue. */
describe('tts-batch render refuses an unknown voice with one line naming voice', () => {
  const redisUrl = inject('redisUrl');
  let dir: string;
  let book: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ttsb-cli-voice-'));
    book = join(dir, 'book.txt');
    await writeFile(book, 'Chapter 1\n\nHello there.\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    [
      'espeak',
      'klingon',
      /^tts-batch: voice: "klingon" is the display name of espeak-ng's voice piqd \(Klingon, art\/piqd\); give its code: --voice piqd$/,
    ],
    [
      'cosyvoice',
      'klingon',
      /^tts-batch: voice: cosyvoice has no voice "klingon"; its 85 voices \(the cosyvoice-v2 table\) include longhuohuo, /,
    ],
  ])('%s --voice %s: exit 2, nothing enqueued', async (provider, voice, expected) => {
    const prefix = uniquePrefix('cli-voice');
    const result = await runCli(['render', book, '--provider', provider, '--voice', voice, '--out', join(dir, 'out')], {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      DASHSCOPE_API_KEY: 'k',
    });
    expect(result.code, result.stderr).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(result.stdout).toBe('');
    expect(await countKeys(redisUrl, prefix)).toBe(0);
  });
});
