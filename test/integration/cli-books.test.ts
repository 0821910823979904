import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../src/render/manifest.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { cliRendered } from '../support/render-output.ts';
import { countKeys, deletePrefix, uniquePrefix } from '../support/test-config.ts';
import { drmEpub, twelveChapterBook, writeEpub } from '../support/epub-builder.ts';
import { lavfiPicture } from '../support/lavfi.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Markdown book with everything a voice must not read: markers, URLs, code, a table, front matter. */
const MARKDOWN = [
  '---',
  'title: The Harbour Book',
  'author: [Ann Writer, Bo Helper]',
  'language: en',
  'date: 2024-05-01',
  '---',
  '',
  '## The Fog',
  '',
  'The harbour was **still** wrapped in _fog_, see [the map](https://example.com/map).',
  '',
  '```js',
  'const secret = "never spoken";',
  '```',
  '',
  '| Ship | Crew |',
  '| ---- | ---- |',
  '| Gull | 12 |',
  '',
  '## The Light',
  '',
  '- The lighthouse swept the water.',
  '- Then it went dark.',
  '',
].join('\n');

describe('render and chapters read books, not markup (CLI, SenseAudio simulator)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('books');
  const API_KEY = 'sim-key-books-31c9';
  let simulator: SenseAudioSimulator;
  let dir: string;
  const env = (): Record<string, string> => ({
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    SENSEAUDIO_API_KEY: API_KEY,
    SENSEAUDIO_BASE_URL: simulator.url,
    LOG_LEVEL: 'silent',
  });
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, env());

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 1 });
    dir = await mkdtemp(join(tmpdir(), 'ttsb-books-'));
    await writeFile(join(dir, 'harbour.md'), MARKDOWN);
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function render(file: string, extra: readonly string[] = []): Promise<{ manifest: Manifest; texts: string[] }> {
    const before = simulator.requests.length;
    const result = await cli(['render', file, '--provider', 'senseaudio', '--local', '--out', join(dir, 'out'), ...extra]);
    expect(result.code, result.stderr).toBe(0);
    const { manifest } = await cliRendered(result.stdout);
    return { manifest, texts: simulator.requests.slice(before).map((request) => request.text ?? '') };
  }

  it('Markdown: chapters by heading, no markup, URL or code sent; front matter names and tags the book', async () => {
    const { manifest, texts } = await render(join(dir, 'harbour.md'));
    expect(manifest.chapters.map((chapter) => chapter.title)).toEqual(['The Fog', 'The Light']);
    expect(manifest.chapters.map((chapter) => chapter.source)).toEqual(['#the-fog', '#the-light']);
    expect(manifest.source).toMatchObject({ name: 'harbour.md', format: 'markdown', bytes: Buffer.byteLength(MARKDOWN) });
    expect(manifest.source?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.tags).toMatchObject({ title: 'The Harbour Book', author: 'Ann Writer, Bo Helper', year: 2024 });
    expect(manifest.folder).toBe('the-harbour-book');
    const sent = texts.join('\n');
    for (const mark of ['*', '#', '[', ']', '_', '`', '|', 'http', 'example.com', 'secret', 'const', '---', 'title:'])
      expect(sent, `"${mark}" reached the provider`).not.toContain(mark);
    expect(sent).toContain('The harbour was still wrapped in fog, see the map.');
    expect(sent).toContain('The lighthouse swept the water.');
    expect(sent).toContain('Gull');
  });

  it('--chapters 2 reads only the second chapter; --no-speak-headings leaves its title unspoken but names it', async () => {
    const { manifest, texts } = await render(join(dir, 'harbour.md'), ['--chapters', '2', '--no-speak-headings']);
    expect(manifest.chapters.map((chapter) => [chapter.number, chapter.title])).toEqual([[2, 'The Light']]);
    expect(texts.join('\n')).not.toContain('The Light');
    expect(texts.join('\n')).not.toContain('fog');
  });

  it('chapters lists the chapters by number with their characters; a number past the last is refused before anything is enqueued', async () => {
    const listed = await cli(['chapters', join(dir, 'harbour.md'), '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const parsed = JSON.parse(listed.stdout) as { chapters: { number: number; title: string; characters: number; read: boolean }[] };
    expect(parsed.chapters.map((chapter) => [chapter.number, chapter.title, chapter.read])).toEqual([
      [1, 'The Fog', true],
      [2, 'The Light', true],
    ]);
    expect(parsed.chapters.every((chapter) => chapter.characters > 0)).toBe(true);

    const keysBefore = await countKeys(redisUrl, prefix);
    const refused = await cli([
      'render',
      join(dir, 'harbour.md'),
      '--provider',
      'senseaudio',
      '--chapters',
      '2-5',
      '--out',
      join(dir, 'out'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toMatch(/chapters: "2-5" asks for chapter 5, but the book has 2/);
    expect(await countKeys(redisUrl, prefix)).toBe(keysBefore);
  });

  it('EPUB 3 and EPUB 2: the 12 chapters of the table of contents, their text as the XHTML reads it, title, author and cover in the output', async () => {
    const cover = join(dir, 'cover.jpg');
    await lavfiPicture(cover, 'navy', '64x64');
    const jpeg = await readFile(cover);
    let keys3: string[] = [];
    for (const version of [3, 2] as const) {
      const fixture = twelveChapterBook(version, jpeg, jpeg);
      const file = join(dir, `keeper-${version}.epub`);
      await writeEpub(file, fixture);
      const { manifest, texts } = await render(file, ['--format', 'm4b']);
      expect(
        manifest.chapters.map((chapter) => chapter.title),
        `EPUB ${version}`,
      ).toEqual(fixture.chapters.map((chapter) => chapter.title));
      // What reached the provider is each chapter's title, then its paragraphs without markup, notes or entities.
      const expected = fixture.chapters.flatMap((chapter) => [chapter.title, ...chapter.paragraphs.map((p) => p.spoken)]);
      const keys = manifest.segments.map((segment) => segment.key);
      if (version === 3) {
        expect([...texts].sort(), `EPUB ${version}: the texts sent`).toEqual([...expected].sort());
        keys3 = keys;
      } else {
        // The same book as EPUB 2 reads to the very same segments: every one is found in the cache.
        expect(texts, 'EPUB 2 sends nothing new').toEqual([]);
        expect(keys).toEqual(keys3);
      }
      expect(manifest.source).toMatchObject({ name: `keeper-${version}.epub`, format: 'epub' });
      expect(manifest.chapters[0]?.source).toBe('OEBPS/text/chapter-01.xhtml');
      expect(manifest.folder).toMatch(/^the-keeper-of-the-light/);
      const audio = join(dir, 'out', manifest.folder, manifest.files.find((f) => f.role === 'book')?.name ?? '');
      const { stdout } = await run('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'format_tags:stream=codec_type:stream_disposition=attached_pic',
        '-of',
        'json',
        audio,
      ]);
      const probed = JSON.parse(stdout) as {
        format: { tags?: Record<string, string> };
        streams: { codec_type: string; disposition?: { attached_pic?: number } }[];
      };
      expect(probed.format.tags).toMatchObject({ title: 'The Keeper of the Light', artist: 'Ada Lighthouse', date: '2025' });
      expect(
        probed.streams.some((stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic === 1),
        'the cover is in the file',
      ).toBe(true);
    }
  });

  it('chapters lists an EPUB with its front matter marked; a DRM-encrypted EPUB is refused before anything is enqueued', async () => {
    const listed = await cli(['chapters', join(dir, 'keeper-3.epub')]);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ 1 {2}\(untitled\) {2}\d+ chars {2}\(cover, skipped\)$/);
    expect(lines.filter((line) => /Chapter \d+: The /.test(line) && !line.includes('skipped'))).toHaveLength(12);

    const jpeg = await readFile(join(dir, 'cover.jpg'));
    const locked = await drmEpub(twelveChapterBook(3, jpeg, jpeg));
    await writeFile(join(dir, 'locked.epub'), locked);
    const keysBefore = await countKeys(redisUrl, prefix);
    const refused = await cli(['render', join(dir, 'locked.epub'), '--provider', 'senseaudio', '--out', join(dir, 'out')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/file: this EPUB is DRM-encrypted/);
    expect(await countKeys(redisUrl, prefix)).toBe(keysBefore);
  });

  it('HTML: headings make chapters; style, script, nav and hidden text are never sent', async () => {
    const html = [
      '<!doctype html><html lang="en"><head><title>Night Notes</title><style>p { color: red; }</style>',
      '<script>var tracking = 1;</script></head><body><nav><a href="#a">Contents</a></nav>',
      '<h1 id="a">Evening</h1><p>The &amp; sign and the <em>lamp</em> were lit.</p><div hidden>Hidden words.</div>',
      '<h1 id="b">Morning</h1><p>The sun rose.</p></body></html>',
    ].join('');
    await writeFile(join(dir, 'night.html'), html);
    const { manifest, texts } = await render(join(dir, 'night.html'));
    expect(manifest.chapters.map((chapter) => [chapter.title, chapter.source])).toEqual([
      ['Evening', '#a'],
      ['Morning', '#b'],
    ]);
    expect(manifest.tags).toMatchObject({ title: 'Night Notes' });
    const sent = texts.join('\n');
    for (const bad of ['color', 'tracking', 'Contents', 'Hidden', '&amp;', '<']) expect(sent, bad).not.toContain(bad);
    expect(sent).toContain('The & sign and the lamp were lit.');
  });
});
