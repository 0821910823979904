import { readdir, stat, utimes, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheReport } from '../../src/cache/cache-report.ts';
import { runCli } from '../support/run-cli.ts';
import { cliRendered } from '../support/render-output.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';

/**
 * Issue #8 item 7, end to end: a real espeak render through the CLI writes segments and a
 * manifest listing their keys; `cache prune` keeps them while the manifest is young, deletes
 * them (never the render's audio) once everything is older than --unused-days, and a re-render
 * then synthesizes again; `cache evict --render` deletes one render's segments (--dry-run only reports).
 */
const config = testConfig();
let folder: string;
let env: Record<string, string>;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'tts-batch-cache-cli-'));
  await writeFile(path.join(folder, 'book.txt'), '# One\nA short first chapter, spoken twice.\n\n# Two\nAnd a second one to end it.\n');
  env = { REDIS_URL: config.REDIS_URL, QUEUE_PREFIX: config.QUEUE_PREFIX, LOG_LEVEL: 'silent' };
});
afterAll(async () => {
  await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  await rm(folder, { recursive: true, force: true });
});

const out = () => path.join(folder, 'renders');

/** Renders book.txt; its folder (named after the file: book/, then book-xxxx/) is where the last stdout line says. */
async function render(id: string): Promise<{ cachedSegments: number; segments: { key: string }[]; folder: string }> {
  const result = await runCli(
    ['render', path.join(folder, 'book.txt'), '--provider', 'espeak', '--voice', 'en-us', '--local', '--out', out(), '--id', id],
    env,
  );
  expect(result.code, result.stderr).toBe(0);
  const { folder: bookFolder, manifest } = await cliRendered(result.stdout);
  return { cachedSegments: manifest.cachedSegments, segments: manifest.segments, folder: path.relative(out(), bookFolder) };
}

async function cache(args: string[]): Promise<CacheReport> {
  const result = await runCli(['cache', ...args, '--out', out()], env);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toMatch(/^tts-batch: (would free|freed) \d+ objects, \d+ bytes in file:\/\//);
  return JSON.parse(result.stdout) as CacheReport;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(out(), path.join(entry.parentPath, entry.name)));
}

async function ageAll(days: number): Promise<void> {
  const when = new Date(Date.now() - days * 24 * 3600 * 1000);
  for (const file of await filesUnder(out())) await utimes(path.join(out(), file), when, when);
}

describe('tts-batch cache', () => {
  it('prune keeps what a young manifest uses, frees it once unused for N days, and a re-render pays again', async () => {
    const manifest = await render('book-one');
    expect(manifest.segments.length).toBeGreaterThanOrEqual(2);
    for (const segment of manifest.segments) expect(segment.key).toMatch(/^\.segments\/espeak\/[0-9a-f]{2}\/[0-9a-f]{64}\.wav$/);
    const segmentFiles = await filesUnder(path.join(out(), '.segments'));
    // Audio, sidecar and the sentence times the delivery stored beside it (segment-timings.ts).
    expect(segmentFiles.length, 'audio, sidecar and timings per segment').toBe(3 * manifest.segments.length);
    expect(segmentFiles.filter((file) => file.endsWith('.timings.json'))).toHaveLength(manifest.segments.length);

    const young = await cache(['prune', '--unused-days', '1']);
    expect(young).toMatchObject({ deletedObjects: 0, keptObjects: segmentFiles.length });

    await ageAll(3);
    const sizes = await Promise.all(segmentFiles.map(async (file) => (await stat(path.join(out(), file))).size));
    const pruned = await cache(['prune', '--unused-days', '1']);
    expect(pruned).toMatchObject({ dryRun: false, deletedObjects: segmentFiles.length, deletedBytes: sizes.reduce((a, b) => a + b, 0) });
    expect(await filesUnder(path.join(out(), '.segments'))).toEqual([]);
    expect(manifest.folder).toBe('book');
    expect((await filesUnder(path.join(out(), 'book'))).sort()).toEqual(['book/book.mp3', 'book/manifest.json']);

    const again = await render('book-two');
    expect(again.cachedSegments, 'nothing was cached any more').toBe(0);

    const evicted = await cache(['evict', '--render', 'book-two', '--dry-run']);
    expect(evicted).toMatchObject({ dryRun: true, deletedObjects: 3 * again.segments.length });
    expect(await filesUnder(path.join(out(), '.segments'))).toHaveLength(3 * again.segments.length);
    expect((await cache(['evict', '--render', 'book-two'])).deletedObjects).toBe(3 * again.segments.length);
    expect(await filesUnder(path.join(out(), '.segments'))).toEqual([]);
  });

  it('refuses bad input with one line naming the field, before touching anything', async () => {
    for (const args of [
      ['prune', '--unused-days', '0'],
      ['evict', 'book/book.mp3'],
    ]) {
      const result = await runCli(['cache', ...args, '--out', out()], env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/^tts-batch: (unusedDays|render|key): .+\n$/);
    }
  });
});
