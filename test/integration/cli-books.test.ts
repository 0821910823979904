import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../src/render/manifest.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { countKeys, deletePrefix, uniquePrefix } from '../support/test-config.ts';

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
    const path = result.stdout.trim().split('\n').at(-1) ?? '';
    const manifest = JSON.parse(await readFile(join(dirname(path), 'manifest.json'), 'utf8')) as Manifest;
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
