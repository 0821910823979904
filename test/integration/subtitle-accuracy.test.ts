import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { simSentences } from '../simulators/senseaudio/audio.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli } from '../support/run-cli.ts';
import { cliRendered } from '../support/render-output.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { parseSrtStrict } from '../support/subtitle-parser.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

const WORDS = ['harbour', 'light', 'keeper', 'water', 'night', 'gull', 'stone', 'wind', 'rope', 'lamp', 'tide', 'shore'];
const HAN = ['灯', '塔', '海', '风', '夜', '船', '石', '浪', '光', '岸', '雾', '鸟'];

/** A ~60,000-character book of mixed English and Chinese sentences, commas inside, every sentence distinct. */
function mixedBook(target: number): string {
  const random = seededRandom(1313);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const chapters: string[] = [];
  let length = 0;
  let n = 0;
  for (let c = 1; length < target; c += 1) {
    const paragraphs: string[] = [];
    for (let p = 0; p < 6; p += 1) {
      const sentences: string[] = [];
      for (let s = 0; s < 5; s += 1) {
        n += 1;
        if (random() < 0.35) {
          const han = Array.from({ length: 6 + Math.floor(random() * 14) }, () => pick(HAN)).join('');
          sentences.push(random() < 0.5 ? `${han}，${pick(HAN)}${pick(HAN)}第${n}。` : `${han}第${n}！`);
        } else {
          const words = Array.from({ length: 5 + Math.floor(random() * 14) }, () => pick(WORDS));
          if (random() < 0.4) words.splice(3, 0, `${words.splice(3, 1)[0] ?? 'and'},`);
          sentences.push(`${pick(['The', 'A', 'One', 'Then'])} ${words.join(' ')} number ${n}${pick(['.', '.', '!', '?'])}`);
        }
      }
      paragraphs.push(sentences.join(' '));
    }
    const chapter = `# Chapter ${c}\n\n${paragraphs.join('\n\n')}\n`;
    chapters.push(chapter);
    length += chapter.length;
  }
  return chapters.join('\n');
}

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

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
    const truth = new Map<string, number>();
    for (const [index, segment] of manifest.segments.entries()) {
      const first = sentences.find((s) => s.segment === index);
      const request = simulator.requests.find((r) => r.sentenceStartsMs !== undefined && simSentences(r.text ?? '')[0] === first?.text);
      expect(request, `segment ${index}`).toBeDefined();
      const texts = simSentences(request?.text ?? '');
      texts.forEach((text, i) => truth.set(`${index}:${text}`, segment.startMs + (request?.sentenceStartsMs?.[i] ?? NaN)));
    }
    const errors = sentences.map((s) => {
      const expected = truth.get(`${s.segment}:${s.text}`);
      expect(expected, s.text).toBeDefined();
      return Math.abs(s.startMs - (expected ?? NaN));
    });
    const headings = sentences.filter((s) => /^Chapter \d+$/.test(s.text)).length;
    expect(sentences.length).toBe(truth.size);
    const estimated = sentences.filter((s) => s.source === 'estimated').length;
    const median = quantile(errors, 0.5);
    const p95 = quantile(errors, 0.95);
    console.log(
      `[subtitle-accuracy] ${book.length} chars, ${manifest.segments.length} segments, ${sentences.length} sentences (${headings} headings): ` +
        `cue start error median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...errors).toFixed(1)} ms; ${estimated} estimated`,
    );
    expect(median).toBeLessThanOrEqual(50);
    expect(p95).toBeLessThanOrEqual(200);
    // The SRT holds the same sentences (cut for reading), strictly valid.
    const srt = parseSrtStrict(await readFile(join(folder, 'mixed.srt'), 'utf8'));
    expect(srt.length).toBeGreaterThanOrEqual(sentences.length);
  }, 240_000);
});
