import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { simSentences } from '../simulators/senseaudio/audio.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli } from '../support/run-cli.ts';
import { cliRendered } from '../support/render-output.ts';
import { compareCueStarts } from '../support/cue-start-truth.ts';
import { mixedBook } from '../support/mixed-book.ts';
import { parseSrtStrict } from '../support/subtitle-parser.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

describe('sentence timings against known boundaries (issue 13: simulator tone "sentences")', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('subacc');
  const API_KEY = 'sim-key-subacc-5b07';
  let simulator: SenseAudioSimulator;
  let dir: string;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 12, tone: 'sentences' });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-subacc-'));
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a 60,000-character zh/en book mastered with pauses: cue starts within 50 ms median, 200 ms p95 of the truth', async () => {
    const book = mixedBook(60_000);
    expect(book.length).toBeGreaterThanOrEqual(60_000);
    await writeFile(join(dir, 'mixed.txt'), book);
    const result = await runCli(
      [
        'render',
        join(dir, 'mixed.txt'),
        '--provider',
        'senseaudio',
        '--local',
        '--out',
        join(dir, 'out'),
        '--segment-format',
        'wav',
        '--subtitles',
        'srt',
      ],
      { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url, LOG_LEVEL: 'silent' },
    );
    expect(result.code, result.stderr).toBe(0);
    const { folder, manifest } = await cliRendered(result.stdout);
    const sentences = manifest.sentences ?? [];

    // Ground truth: the simulator's own sentence starts in each answer, moved to where the book put that segment.
    const answers = simulator.requests.flatMap((r) =>
      r.sentenceStartsMs === undefined ? [] : [{ sentenceTexts: simSentences(r.text ?? ''), sentenceStartsMs: r.sentenceStartsMs }],
    );
    const figures = compareCueStarts(manifest, answers);
    expect(figures.segmentsWithoutAnswer, 'segments no request was found for').toEqual([]);
    expect(figures.unmatched, 'sentences with no true start').toEqual([]);
    expect(sentences.length).toBe(figures.truthCount);
    const headings = sentences.filter((s) => /^Chapter \d+$/.test(s.text)).length;
    const { median, p95, max, estimated } = figures;
    console.log(
      `[subtitle-accuracy] ${book.length} chars, ${manifest.segments.length} segments, ${sentences.length} sentences (${headings} headings): ` +
        `cue start error median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms; ${estimated} estimated`,
    );
    expect(median).toBeLessThanOrEqual(50);
    expect(p95).toBeLessThanOrEqual(200);
    // The SRT holds the same sentences (cut for reading), strictly valid.
    const srt = parseSrtStrict(await readFile(join(folder, 'mixed.srt'), 'utf8'));
    expect(srt.length).toBeGreaterThanOrEqual(sentences.length);
  }, 240_000);
});
