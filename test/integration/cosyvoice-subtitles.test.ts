import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCosyVoiceSimulator, type CosyVoiceSimulator } from '../simulators/cosyvoice/server.ts';
import { runCli } from '../support/run-cli.ts';
import { cliRendered } from '../support/render-output.ts';
import { parseVttStrict } from '../support/subtitle-parser.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

const MS_PER_CHAR = 4;
const BOOK = [
  '# 第一章',
  '',
  '今天天气很好。The weather is fine today! 我们出去走走吧？',
  '',
  'A second paragraph, with a comma. 最后一句。',
  '',
].join('\n');

describe('cues from CosyVoice word timestamps (issue 13: source provider)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('cosysubs');
  const API_KEY = 'sk-cosy-subs-77e1';
  let simulator: CosyVoiceSimulator;
  let dir: string;

  beforeAll(async () => {
    simulator = await startCosyVoiceSimulator({ apiKey: API_KEY, msPerChar: MS_PER_CHAR, rtf: 0.01, firstFrameDelayMs: 2 });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-cosysubs-'));
    await writeFile(join(dir, 'book.txt'), BOOK);
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('with --set wordTimestamps=true every sentence is timed by the provider, at the time its first word was given', async () => {
    const result = await runCli(
      [
        'render',
        join(dir, 'book.txt'),
        '--provider',
        'cosyvoice',
        '--local',
        '--out',
        join(dir, 'out'),
        '--set',
        'wordTimestamps=true',
        '--subtitles',
        'vtt',
      ],
      { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, DASHSCOPE_API_KEY: API_KEY, DASHSCOPE_WS_URL: simulator.url, LOG_LEVEL: 'silent' },
    );
    expect(result.code, result.stderr).toBe(0);
    const { folder, manifest } = await cliRendered(result.stdout);
    const sentences = manifest.sentences ?? [];
    expect(sentences.map((s) => s.text)).toEqual([
      '第一章',
      '今天天气很好。',
      'The weather is fine today!',
      '我们出去走走吧？',
      'A second paragraph, with a comma.',
      '最后一句。',
    ]);
    expect(sentences.every((s) => s.source === 'provider')).toBe(true);
    // The simulator speaks each non-space character for MS_PER_CHAR ms, words back to back from 0:
    // a sentence starts after the characters spoken before it in its segment.
    for (const [index, segment] of manifest.segments.entries()) {
      let before = 0;
      for (const sentence of sentences.filter((s) => s.segment === index)) {
        expect(Math.abs(sentence.startMs - (segment.startMs + before * MS_PER_CHAR)), sentence.text).toBeLessThanOrEqual(2);
        before += [...sentence.text.replace(/\s+/gu, '')].length;
      }
    }
    const vtt = parseVttStrict(await readFile(join(folder, 'book.vtt'), 'utf8'));
    expect(vtt.map((cue) => cue.text)).toEqual(sentences.map((s) => s.text));
  });
});
