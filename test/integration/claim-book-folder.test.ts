import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { claimBookFolder, folderClaimsKey, releaseBookFolder } from '../../src/producer/claim-book-folder.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { bytesBody } from '../../src/util/bytes-body.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

/** The short suffix the first taken name gets: "-" and four hex digits. */
const SUFFIXED = /^the-sample-book-[0-9a-f]{4}$/;

/**
 * Book folders (issue 11 item 6) claimed on the real Redis, against a real folder on disk: the
 * plain slug first, a short suffix only where the name is taken (by a claim or by files), and
 * never one folder for two renders, however their claims interleave.
 */
describe('claimBookFolder (real Redis, local storage)', () => {
  const redisUrl = inject('redisUrl');
  const redis = new Redis(redisUrl);
  let prefix = uniquePrefix('folders');
  let root: string;
  let storage: LocalStorage;
  const output = 'file:///books/out';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ttsb-claim-'));
    storage = new LocalStorage(root);
  });

  afterEach(async () => {
    await deletePrefix(redisUrl, prefix);
    prefix = uniquePrefix('folders');
    await rm(root, { recursive: true, force: true });
    storage = new LocalStorage(root);
  });

  afterAll(async () => {
    await deletePrefix(redisUrl, prefix);
    redis.disconnect();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  const claim = (renderId: string, options: { slug?: string; output?: string; withStorage?: boolean } = {}): Promise<string> =>
    claimBookFolder(redis, prefix, {
      output: options.output ?? output,
      slug: options.slug ?? 'the-sample-book',
      renderId,
      storage: options.withStorage === false ? undefined : storage,
    });

  it('the first render of a book gets the plain slug; a second render of it a short suffix', async () => {
    expect(await claim('r-first')).toBe('the-sample-book');
    const second = await claim('r-second');
    expect(second).toMatch(SUFFIXED);
    const third = await claim('r-third');
    expect(third).toMatch(SUFFIXED);
    expect(third).not.toBe(second);
    expect(await redis.hgetall(folderClaimsKey(prefix))).toEqual({
      [`${output}\nthe-sample-book`]: 'r-first',
      [`${output}\n${second}`]: 'r-second',
      [`${output}\n${third}`]: 'r-third',
    });
  });

  it('another output, or another book, is a name of its own', async () => {
    expect(await claim('r-a')).toBe('the-sample-book');
    expect(await claim('r-b', { output: 's3://bucket/books' })).toBe('the-sample-book');
    expect(await claim('r-c', { slug: 'moby-dick' })).toBe('moby-dick');
  });

  it('the same render asking again gets its own claim back', async () => {
    expect(await claim('r-first')).toBe('the-sample-book');
    const second = await claim('r-second');
    expect(await claim('r-first')).toBe('the-sample-book');
    expect(await claim('r-second')).toBe(second);
  });

  it('a folder already holding files (its claim lost) is not reused, and asking again keeps to the new one', async () => {
    await storage.put('the-sample-book/The Sample Book.mp3', bytesBody(Buffer.from('an older render')));
    const folder = await claim('r-after-loss');
    expect(folder).toMatch(SUFFIXED);
    // Asked again (a retried enqueue), the render must not be handed the folder with the old files.
    expect(await claim('r-after-loss')).toBe(folder);
    // The name the files hold is free for no one: the next render is suffixed too.
    const next = await claim('r-next');
    expect(next).toMatch(SUFFIXED);
    expect(next).not.toBe(folder);
  });

  it('files in a folder whose name merely starts with the slug do not take it', async () => {
    await storage.put('the-sample-book-old/x.mp3', bytesBody(Buffer.from('x')));
    expect(await claim('r-first')).toBe('the-sample-book');
  });

  it('two renders claiming at once never share a folder', async () => {
    for (let round = 0; round < 20; round++) {
      const [a, b] = await Promise.all([
        claim(`r-${round}-a`, { slug: `book-${round}` }),
        claim(`r-${round}-b`, { slug: `book-${round}` }),
      ]);
      expect(a, `round ${round}`).not.toBe(b);
      expect([a, b], `round ${round}: one of them gets the plain name`).toContain(`book-${round}`);
    }
    // Ten at once on one name: ten folders.
    const many = await Promise.all(Array.from({ length: 10 }, (_, i) => claim(`r-many-${i}`, { slug: 'crowded' })));
    expect(new Set(many).size).toBe(10);
    expect(many).toContain('crowded');
  });

  it('release gives back only its own claim', async () => {
    expect(await claim('r-first')).toBe('the-sample-book');
    await releaseBookFolder(redis, prefix, { output, folder: 'the-sample-book', renderId: 'r-someone-else' });
    expect(await claim('r-second')).toMatch(SUFFIXED);
    await releaseBookFolder(redis, prefix, { output, folder: 'the-sample-book', renderId: 'r-first' });
    expect(await claim('r-third')).toBe('the-sample-book');
    // Releasing a name never claimed is a no-op, not an error.
    await releaseBookFolder(redis, prefix, { output, folder: 'never-claimed', renderId: 'r-first' });
  });
});
