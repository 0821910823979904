import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../src/render/manifest.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli } from '../support/run-cli.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';
import { seededRandom } from '../support/seeded-random.ts';

const WORDS = ['harbour', 'lantern', 'evening', 'rope', 'water', 'quiet', 'keeper', 'stone', 'window', 'north', 'tide', 'gull'];

/** A ~60,000-character book of 8 chapters; "Hermione" appears in a few paragraphs only. */
function book(): { text: string; paragraphsWithName: number } {
  const random = seededRandom(12);
  const chapters: string[] = [];
  let withName = 0;
  let paragraph = 0;
  for (let c = 1; c <= 8; c += 1) {
    const paragraphs: string[] = [];
    for (let p = 0; p < 30; p += 1) {
      paragraph += 1;
      const sentences = Array.from({ length: 4 }, (_, s) => {
        const words = Array.from({ length: 8 + Math.floor(random() * 6) }, () => WORDS[Math.floor(random() * WORDS.length)]);
        return `${s === 0 ? `Paragraph ${paragraph} says` : 'Then'} ${words.join(' ')}.`;
      });
      if (paragraph % 37 === 0) {
        sentences[1] = 'Hermione walked along the harbour wall.';
        withName += 1;
      }
      paragraphs.push(sentences.join(' '));
    }
    chapters.push(`# Chapter ${c}\n\n${paragraphs.join('\n\n')}`);
  }
  return { text: chapters.join('\n\n'), paragraphsWithName: withName };
}

/**
 * Issue 12, "Done when": a lexicon entry added to a rendered 60,000-character book re-bills only
 * the segments containing the word. The default SenseAudio voice takes no dictionary, so the
 * entry respells the text sent; every other segment keeps its key and is found in the cache.
 */
describe('a lexicon edit re-bills only the segments it touches (CLI, SenseAudio simulator)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('lexicon-rebill');
  const API_KEY = 'sim-key-lexicon-8d1e';
  let simulator: SenseAudioSimulator;
  let dir: string;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 0 });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-lexicon-'));
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function render(extra: readonly string[]): Promise<{ manifest: Manifest; stderr: string }> {
    const result = await runCli(
      // --qa off: the simulator speaks next to no audio (msPerChar 0, for speed), which the take
      // checks would rightly call silent and retake; this test is about what the lexicon re-bills.
      [
        'render',
        join(dir, 'book.txt'),
        '--provider',
        'senseaudio',
        '--profile',
        'raw',
        '--qa',
        'off',
        '--local',
        '--out',
        join(dir, 'out'),
        ...extra,
      ],
      { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url, LOG_LEVEL: 'silent' },
    );
    expect(result.code, result.stderr).toBe(0);
    const path = result.stdout.trim().split('\n').at(-1) ?? '';
    return { manifest: JSON.parse(await readFile(join(dirname(path), 'manifest.json'), 'utf8')) as Manifest, stderr: result.stderr };
  }

  it('adding "Hermione = her-MY-oh-nee" re-synthesizes exactly the segments with the name', { timeout: 240_000 }, async () => {
    const { text, paragraphsWithName } = book();
    await writeFile(join(dir, 'book.txt'), text);
    await writeFile(join(dir, 'names.lex'), '# names in the book\nHermione = her-MY-oh-nee\n');
    expect(text.length).toBeGreaterThan(60_000);

    const first = await render([]);
    const firstTexts = simulator.requests.map((request) => request.text ?? '');
    const withName = firstTexts.filter((sent) => sent.includes('Hermione'));
    expect(withName.length).toBe(paragraphsWithName);

    const before = simulator.requests.length;
    const second = await render(['--lexicon', join(dir, 'names.lex')]);
    const resent = simulator.requests.slice(before);
    const billed = resent.reduce((sum, request) => sum + (request.usageCharacters ?? 0), 0);
    // Exactly the segments with the name, respelled; nothing else went out again.
    expect(resent.map((request) => request.text).sort()).toEqual(
      withName.map((sent) => sent.replaceAll('Hermione', 'her-MY-oh-nee')).sort(),
    );
    expect(second.manifest.billedCharacters).toBe(billed);
    expect(second.manifest.cachedSegments).toBe(second.manifest.segments.length - withName.length);
    expect(second.stderr).toMatch(
      new RegExp(`lexicon: 1 of 1 entr(?:y|ies) appl(?:y|ies) to ${withName.length} of ${first.manifest.segments.length} segments`),
    );
    console.log('lexicon re-bill', {
      bookCharacters: text.length,
      segments: first.manifest.segments.length,
      firstBilled: first.manifest.billedCharacters,
      touchedSegments: withName.length,
      secondBilled: billed,
      touchedChars: withName.reduce((sum, sent) => sum + sent.length, 0),
    });
  });
});
