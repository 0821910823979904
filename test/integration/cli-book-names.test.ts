import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../src/render/manifest.ts';
import { decodedDurationMs, ffprobeAudioStream } from '../support/delivery-measure.ts';
import { ffprobeChapters, requireFfmpeg } from '../support/ffmpeg.ts';
import { lavfiPicture } from '../support/lavfi.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

/** Two chapters of a sentence each: enough for chapter files, quick to speak. */
const BOOK = 'Chapter 1: Fog\n\nThe harbour was still wrapped in fog.\n\nChapter 2: Light\n\nThe lighthouse swept the water.\n';

/** Every file under `folder` (relative, "/"-separated), with its bytes and a digest of its content. */
async function snapshot(folder: string): Promise<Map<string, { bytes: number; mtimeMs: number; sha256: string }>> {
  const files = new Map<string, { bytes: number; mtimeMs: number; sha256: string }>();
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path);
    const sha256 = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    files.set(relative(folder, path).split('\\').join('/'), { bytes: info.size, mtimeMs: info.mtimeMs, sha256 });
  }
  return files;
}

/** The last stdout line: the whole-book file's path, which must be a plain path to an existing file. */
async function bookPathOf(result: CliResult): Promise<string> {
  expect(result.code, `exit code; stderr:\n${result.stderr}`).toBe(0);
  const last = result.stdout.trimEnd().split('\n').at(-1) ?? '';
  expect(last, 'a path, not a file:// URL').not.toMatch(/^file:/);
  expect(isAbsolute(last), `${last} is an absolute path`).toBe(true);
  expect((await stat(last)).isFile(), `${last} exists`).toBe(true);
  return last;
}

/** The manifest lists every file in the folder but itself, each with its real bytes and (audio) its decoded length. */
async function expectManifestListsEverything(folder: string): Promise<Manifest> {
  const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as Manifest;
  const onDisk = await snapshot(folder);
  onDisk.delete('manifest.json');
  expect(manifest.files.map((file) => file.name).sort()).toEqual([...onDisk.keys()].sort());
  for (const file of manifest.files) {
    expect(file.bytes, `bytes of ${file.name}`).toBe(onDisk.get(file.name)?.bytes);
    expect(typeof file.format, `format of ${file.name}`).toBe('string');
    if (file.role === 'cover') {
      expect(file.format).toBe('jpeg');
      continue;
    }
    expect(file.format, file.name).toBe('mp3');
    expect(file.name.endsWith('.mp3'), file.name).toBe(true);
    const path = join(folder, file.name);
    const stream = await ffprobeAudioStream(path);
    const decoded = await decodedDurationMs(path, stream.sampleRate, stream.channels);
    expect(file.durationMs, `durationMs of ${file.name} vs ${decoded.toFixed(1)} ms decoded`).toBeGreaterThan(0);
    expect(Math.abs((file.durationMs ?? 0) - decoded), `durationMs of ${file.name} vs ${decoded.toFixed(1)} ms decoded`).toBeLessThan(25);
  }
  return manifest;
}

/**
 * Issue 11 item 6 through the real CLI (`render --local`, real Redis, real espeak-ng): the folder
 * and the files are named after the book, a second render of it gets a folder of its own and
 * leaves the first alone (its claim is gone with --local's private prefix, so only the files
 * there say it is taken), and the last stdout line is the book file's path.
 */
describe('render --local: names a person can use (espeak-ng)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('names');
  let dir: string;
  let out: string;
  let bookText: string;
  let cover: string;
  const env = (): Record<string, string> => ({ REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' });
  const render = (...extra: string[]): Promise<CliResult> =>
    runCli(['render', bookText, '--provider', 'espeak', '--voice', 'en-us', '--local', '--out', out, ...extra], env());

  beforeAll(async () => {
    await requireFfmpeg();
    dir = await mkdtemp(join(tmpdir(), 'ttsb-names-'));
    out = join(dir, 'out');
    bookText = join(dir, 'harbour-notes.txt');
    await writeFile(bookText, BOOK);
    cover = join(dir, 'cover.jpg');
    await lavfiPicture(cover, 'navy', '64x64');
  });

  afterAll(async () => {
    await deletePrefix(redisUrl, prefix);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  let firstFolder = '';
  let firstFiles = new Map<string, { bytes: number; mtimeMs: number; sha256: string }>();

  it('a titled book goes to <out>/the-sample-book/The Sample Book.mp3, with a manifest listing every file', async () => {
    const bookPath = await bookPathOf(await render('--title', 'The Sample Book', '--cover', cover, '--split', 'chapter'));
    firstFolder = join(out, 'the-sample-book');
    expect(bookPath).toBe(join(firstFolder, 'The Sample Book.mp3'));

    const manifest = await expectManifestListsEverything(firstFolder);
    expect(manifest.folder).toBe('the-sample-book');
    expect(manifest.files.map((file) => [file.role, file.name])).toEqual(
      expect.arrayContaining([
        ['book', 'The Sample Book.mp3'],
        ['chapter', 'chapters/01 - Chapter 1 Fog.mp3'],
        ['chapter', 'chapters/02 - Chapter 2 Light.mp3'],
        ['cover', 'cover.jpg'],
      ]),
    );
    expect(manifest.files).toHaveLength(4);
    expect(manifest.files.find((file) => file.role === 'book')?.chapters).toEqual({ first: 0, last: 1 });
    firstFiles = await snapshot(firstFolder);
  });

  it('a second render of it goes to a suffixed folder; the first folder is untouched', async () => {
    expect(firstFiles.size, 'the first render ran').toBeGreaterThan(0);
    const bookPath = await bookPathOf(await render('--title', 'The Sample Book'));
    const folder = dirname(bookPath);
    expect(relative(out, folder)).toMatch(/^the-sample-book-[0-9a-f]{4}$/);
    expect(bookPath).toBe(join(folder, 'The Sample Book.mp3'));
    const manifest = await expectManifestListsEverything(folder);
    expect(manifest.files.map((file) => file.name)).toEqual(['The Sample Book.mp3']);
    expect(manifest.folder).toBe(relative(out, folder));

    expect(await snapshot(firstFolder), 'every file of the first render as it was: bytes, content, mtime').toEqual(firstFiles);
  });

  it('an untitled book is named after its input file', async () => {
    const bookPath = await bookPathOf(await render());
    expect(bookPath).toBe(join(out, 'harbour-notes', 'harbour-notes.mp3'));
    await expectManifestListsEverything(dirname(bookPath));
  });

  it('a text without headings (one chapter with no title) is delivered, its chapter mark named after the book', async () => {
    const plain = join(dir, 'plain notes.txt');
    await writeFile(plain, 'A short text without any heading.\n');
    const result = await runCli(['render', plain, '--provider', 'espeak', '--voice', 'en-us', '--local', '--out', out], env());
    const bookPath = await bookPathOf(result);
    expect(bookPath).toBe(join(out, 'plain-notes', 'plain notes.mp3'));
    expect((await ffprobeChapters(bookPath)).map((chapter) => chapter.title)).toEqual(['plain notes']);
  });
});
