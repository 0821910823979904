import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { countKeys, uniquePrefix } from '../support/test-config.ts';

describe('tts-batch render refuses bad input with one clear line and enqueues nothing', () => {
  const redisUrl = inject('redisUrl');
  let dir: string;
  let book: string;
  let empty: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ttsb-cli-'));
    book = join(dir, 'book.txt');
    empty = join(dir, 'empty.txt');
    await writeFile(book, 'Chapter 1\n\nHello there. 你好。\n');
    await writeFile(empty, ' \n\n\t\n');
  });

  const cases: { name: string; args: (paths: { book: string; empty: string; dir: string }) => string[]; expected: RegExp }[] = [
    {
      name: 'missing file',
      args: (p) => ['render', join(p.dir, 'nope.txt'), '--provider', 'senseaudio'],
      expected: /file: no such file: .*nope\.txt/,
    },
    { name: 'empty text', args: (p) => ['render', p.empty, '--provider', 'senseaudio'], expected: /text: .*empty/ },
    {
      name: 'unknown provider',
      args: (p) => ['render', p.book, '--provider', 'nosuch'],
      expected: /provider: unknown provider "nosuch"; known: senseaudio/,
    },
    { name: 'volume out of range', args: (p) => ['render', p.book, '--provider', 'senseaudio', '--vol', '11'], expected: /vol: .*10/ },
    { name: 'pitch out of range', args: (p) => ['render', p.book, '--provider', 'senseaudio', '--pitch', '13'], expected: /pitch: .*12/ },
    {
      name: 'speed not a number',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--speed', 'fast'],
      expected: /speed: must be a number/,
    },
    {
      name: 'flac segments refused until supported (a flac output is fine)',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--segment-format', 'flac'],
      expected: /segmentFormat: flac segments are not supported yet/,
    },
    {
      name: 'unknown format',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--format', 'ogg'],
      expected: /format: must be one of mp3, m4b, flac, opus, wav, pcm/,
    },
    {
      name: 'segment format the provider lacks',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--segment-format', 'ogg'],
      expected: /segmentFormat: must be one of mp3, wav, pcm for senseaudio/,
    },
    {
      name: 'acx in another format than mp3',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--profile', 'acx', '--format', 'm4b'],
      expected: /format: the acx profile delivers MP3/,
    },
    {
      name: 'raw asked to re-encode',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--profile', 'raw', '--format', 'm4b'],
      expected: /format: the raw profile joins the mp3 segments as they are/,
    },
    {
      name: 'acx head pause outside ACX',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--profile', 'acx', '--pauses', 'head=100'],
      expected: /--pauses\.head: the acx profile needs 500–1000 ms at the head of every file/,
    },
    {
      name: 'a cover that is no image',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--cover', p.book],
      expected: /cover: .* is neither a JPEG nor a PNG image/,
    },
    {
      name: 'sample rate not offered',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--sample-rate', '12345'],
      expected: /sampleRate: must be one of/,
    },
    {
      name: 'bad pause rules, every one named (issue 11 item 1)',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--pauses', 'paragraph=abc,chapter=20000,pargraph=5'],
      expected:
        /^tts-batch: --pauses: paragraph must be a whole number of milliseconds from 0 to 10000, got "abc"; chapter must be a whole number of milliseconds from 0 to 10000, got 20000; unknown rule "pargraph" \(rules: sentence, paragraph, heading, chapter, head, tail\)$/,
    },
    {
      name: 'a pause rule without a value',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--pauses', 'paragraph'],
      expected: /--pauses: "paragraph" is not RULE=MS \(e\.g\. paragraph=750,chapter=2000\)/,
    },
    {
      name: 'bad render id',
      args: (p) => ['render', p.book, '--provider', 'senseaudio', '--id', '../etc'],
      expected: /id: must be 1–64 letters/,
    },
  ];

  for (const testCase of cases) {
    it(`${testCase.name}`, async () => {
      const prefix = uniquePrefix('cli');
      const result = await runCli(testCase.args({ book, empty, dir }), {
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        SENSEAUDIO_API_KEY: 'k',
      });
      expect(result.code, `stderr: ${result.stderr}`).not.toBe(0);
      const lines = result.stderr.trim().split('\n');
      expect(lines, `expected exactly one line on stderr, got:\n${result.stderr}`).toHaveLength(1);
      expect(lines[0]).toMatch(/^tts-batch: /);
      expect(lines[0]).toMatch(testCase.expected);
      expect(result.stdout).toBe('');
      expect(await countKeys(redisUrl, prefix), 'nothing may be enqueued').toBe(0);
    });
  }
});
