import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { twelveChapterBook, writeEpub, type FixtureBook } from '../support/epub-builder.ts';
import { lavfiPicture } from '../support/lavfi.ts';
import { walkReadAlong } from '../support/read-along-check.ts';
import { cliRendered } from '../support/render-output.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

describe('--read-along: an EPUB 3 with Media Overlays (issue 13 item 3)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('readalong');
  const API_KEY = 'sim-key-readalong-77a1';
  let simulator: SenseAudioSimulator;
  let dir: string;
  let jpeg: Buffer;
  const cli = (args: readonly string[]): Promise<CliResult> =>
    runCli(args, {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      LOG_LEVEL: 'silent',
    });
  const render = (file: string, extra: readonly string[] = []): Promise<CliResult> =>
    cli(['render', file, '--provider', 'senseaudio', '--local', '--out', join(dir, 'out'), '--read-along', ...extra]);

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 20, tone: 'sentences' });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-readalong-'));
    await lavfiPicture(join(dir, 'cover.jpg'), 'navy', '64x64');
    jpeg = await readFile(join(dir, 'cover.jpg'));
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('12 chapters: epubcheck passes, and every <par> resolves to its sentence on the page and its clip in the audio', async () => {
    const fixture = twelveChapterBook(3, jpeg, jpeg);
    const file = join(dir, 'keeper.epub');
    await writeEpub(file, fixture);
    const result = await render(file, ['--format', 'm4b']);
    expect(result.code, result.stderr).toBe(0);
    const { manifest, folder, bookPath } = await cliRendered(result.stdout);
    const listed = manifest.files.find((f) => f.role === 'read-along');
    // Written by hand beside the fixture's markup: each chapter's title, then its paragraphs as read.
    const expected = fixture.chapters.flatMap((chapter) => [chapter.title, ...chapter.paragraphs.map((p) => p.spoken)]);
    const sentences = manifest.sentences ?? [];
    expect(sentences.map((s) => s.text)).toEqual(expected);
    expect(listed).toMatchObject({
      name: 'The Keeper of the Light.epub',
      format: 'epub',
      readAlong: { synced: 36, unsynced: 0, documents: 12 },
    });
    const path = join(folder, listed?.name ?? '');

    expect(await walkReadAlong(path, file, sentences, { path: bookPath, durationMs: manifest.durationMs }, 'audio/mp4')).toBe(36);
  }, 180_000);

  it('paragraphs of several sentences, markup across them, Chinese without spaces: every sentence synced, as mp3', async () => {
    const fixture: FixtureBook = {
      version: 3,
      title: 'Harbour Sentences',
      author: 'Ann Writer',
      language: 'en',
      identifier: 'urn:uuid:7d1f5b44-52a8-4c2e-8f0e-00000000a13a',
      chapters: [
        {
          title: 'The Fog',
          paragraphs: [
            {
              xhtml: 'The fog came in at dusk. He said <em>nothing</em>, and waited. <em>Nobody came.</em> Was it over?',
              spoken: 'The fog came in at dusk. He said nothing, and waited. Nobody came. Was it over?',
            },
            {
              xhtml: '&#8220;Run!&#8221; she cried. <strong>The bell rang twice. Then</strong> it stopped.',
              spoken: '\u201cRun!\u201d she cried. The bell rang twice. Then it stopped.',
            },
          ],
        },
        {
          title: 'The Light',
          paragraphs: [
            {
              xhtml: '灯亮了。海很安静。The lamp turned, slowly, over the water.',
              spoken: '灯亮了。海很安静。The lamp turned, slowly, over the water.',
            },
          ],
        },
      ],
    };
    const file = join(dir, 'sentences.epub');
    await writeEpub(file, fixture);
    const result = await render(file);
    expect(result.code, result.stderr).toBe(0);
    const { manifest, folder, bookPath } = await cliRendered(result.stdout);
    const sentences = manifest.sentences ?? [];
    // By hand: the planner's sentences of the book above.
    expect(sentences.map((s) => s.text)).toEqual([
      'The Fog',
      'The fog came in at dusk.',
      'He said nothing, and waited.',
      'Nobody came.',
      'Was it over?',
      // The sentence splitter ends a sentence at a closing quote after `!`, even before a lower-case word.
      '\u201cRun!\u201d',
      'she cried.',
      'The bell rang twice.',
      'Then it stopped.',
      'The Light',
      '灯亮了。',
      '海很安静。',
      'The lamp turned, slowly, over the water.',
    ]);
    const listed = manifest.files.find((f) => f.role === 'read-along');
    expect(listed?.readAlong).toEqual({ synced: sentences.length, unsynced: 0, documents: 2 });
    expect(
      await walkReadAlong(
        join(folder, listed?.name ?? ''),
        file,
        sentences,
        { path: bookPath, durationMs: manifest.durationMs },
        'audio/mpeg',
      ),
    ).toBe(sentences.length);
  }, 180_000);

  it('is refused before anything is billed: text input, an EPUB 2, a format readers do not play', async () => {
    await writeFile(join(dir, 'plain.txt'), 'Just a sentence.');
    await writeEpub(join(dir, 'keeper-2.epub'), twelveChapterBook(2, jpeg, jpeg));
    await writeEpub(join(dir, 'keeper-3.epub'), twelveChapterBook(3, jpeg, jpeg));
    const before = simulator.requests.length;
    const cases: [string, readonly string[], RegExp][] = [
      [join(dir, 'plain.txt'), [], /^tts-batch: readAlong: needs an EPUB input .*this input reads as text\n$/],
      [join(dir, 'keeper-2.epub'), [], /^tts-batch: readAlong: needs an EPUB 3 book .*version 2\.0\n$/],
      [
        join(dir, 'keeper-3.epub'),
        ['--format', 'flac'],
        /^tts-batch: readAlong: EPUB 3 readers play mp3 or m4b audio; the output format is flac\n$/,
      ],
    ];
    for (const [file, extra, message] of cases) {
      const refused = await render(file, extra);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(message);
    }
    expect(simulator.requests.length).toBe(before);
  }, 60_000);
});
