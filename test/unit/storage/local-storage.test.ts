import { randomBytes } from 'node:crypto';
import type * as NodeFs from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../../../src/errors/not-found-error.ts';
import { LocalStorage } from '../../../src/storage/local-storage.ts';
import { StorageError } from '../../../src/storage/storage-error.ts';
import {
  bodyOf,
  chunksOf,
  describeStorageContract,
  expectSameBytes,
  failingBody,
  readAll,
  UNSAFE_KEYS,
} from '../../support/storage-contract.ts';

/** LocalStorage's SMALL_OBJECT_BYTES: objects up to it are read by blocking calls. */
const SMALL_OBJECT_BYTES = 64 * 1024;

// The blocking calls, watched (and still made) to tell which way LocalStorage went.
const fsSpies = vi.hoisted(() => ({ statSync: vi.fn(), readSync: vi.fn() }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  fsSpies.statSync.mockImplementation(fs.statSync);
  fsSpies.readSync.mockImplementation(fs.readSync);
  return { ...fs, statSync: fsSpies.statSync, readSync: fsSpies.readSync };
});

const made: string[] = [];
async function freshFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'tts-batch-local-storage-'));
  made.push(folder);
  return folder;
}

/** Every file under `folder`, as relative POSIX paths, sorted. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

afterAll(async () => {
  await Promise.all(made.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** Both ways of making stats and small reads: blocking calls (a local file system's default) and the threadpool. */
const MODES = [
  { name: 'blocking calls', blockingCalls: true },
  { name: 'the threadpool', blockingCalls: false },
] as const;

for (const { name, blockingCalls } of MODES) {
  describeStorageContract(
    `LocalStorage with ${name}`,
    async () => new LocalStorage(path.join(await freshFolder(), 'root'), { blockingCalls }),
  );
}

describe('LocalStorage', () => {
  let parent: string;
  let root: string;
  let storage: LocalStorage;

  beforeEach(async () => {
    parent = await freshFolder();
    root = path.join(parent, 'root');
    storage = new LocalStorage(root);
  });

  it('points at the absolute root as a file URL and creates the root on the first write', async () => {
    expect(storage.url).toBe(pathToFileURL(root).href);
    expect(new LocalStorage(path.relative(process.cwd(), root)).url).toBe(storage.url);
    await expect(readdir(root)).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.put('renders/r1/audio.mp3', bodyOf(Buffer.from('abc')));
    expect(await readFile(path.join(root, 'renders', 'r1', 'audio.mp3'), 'utf8')).toBe('abc');
  });

  it('shows nothing at the key while a put is under way, only its temp file beside it', async () => {
    let releaseRest!: () => void;
    const restMayCome = new Promise<void>((resolve) => (releaseRest = resolve));
    let firstChunkWritten!: () => void;
    const firstChunkIsWritten = new Promise<void>((resolve) => (firstChunkWritten = resolve));
    async function* slowBody(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('first half, ');
      // Asked for more: the first chunk is on disk by now.
      firstChunkWritten();
      await restMayCome;
      yield Buffer.from('second half');
    }
    const putting = storage.put('a/b.txt', slowBody());
    await firstChunkIsWritten;
    expect(await storage.head('a/b.txt')).toBeNull();
    const during = await filesUnder(root);
    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(/^a\/\.b\.txt\.[0-9a-f]{12}\.part$/);
    releaseRest();
    expect(await putting).toEqual({ size: 23 });
    expect(await filesUnder(root)).toEqual(['a/b.txt']);
  });

  it('removes its temp file when the body throws, leaving the folder as it was', async () => {
    await storage.put('keep.txt', bodyOf(Buffer.from('kept')));
    const cut = new Error('stream cut');
    await expect(storage.put('deep/er/cut.txt', failingBody([Buffer.alloc(100_000)], cut))).rejects.toBe(cut);
    expect(await filesUnder(root)).toEqual(['keep.txt']);
  });

  // Local only: on S3 the server decides (real S3 is last-writer-wins; s3rver writes in place and mixes).
  it('never mixes two puts racing for one key', async () => {
    const a = Buffer.alloc(200 * 1024, 0x61);
    const b = Buffer.alloc(300 * 1024, 0x62);
    await Promise.all([storage.put('raced.bin', bodyOf(...chunksOf(a, 8192))), storage.put('raced.bin', bodyOf(...chunksOf(b, 8192)))]);
    const stored = await readAll(storage.get('raced.bin'));
    const counts = {
      bytes: stored.byteLength,
      a: stored.filter((byte) => byte === 0x61).length,
      b: stored.filter((byte) => byte === 0x62).length,
    };
    expect(
      [
        { bytes: a.byteLength, a: a.byteLength, b: 0 },
        { bytes: b.byteLength, a: 0, b: b.byteLength },
      ],
      'one whole body',
    ).toContainEqual(counts);
    expect(await filesUnder(root)).toEqual(['raced.bin']);
  });

  it('writes nothing outside its root for any unsafe key', async () => {
    await storage.put('inside.txt', bodyOf(Buffer.from('in')));
    for (const key of UNSAFE_KEYS) {
      await storage.put(key, bodyOf(Buffer.from('out'))).catch(() => undefined);
      await storage.delete(key).catch(() => undefined);
    }
    expect(await filesUnder(parent)).toEqual(['root/inside.txt']);
  });

  it('fails a put that the file system refuses with a StorageError, before reading the body', async () => {
    await storage.put('plain.txt', bodyOf(Buffer.from('x')));
    let pulled = false;
    async function* watchedBody(): AsyncGenerator<Uint8Array> {
      pulled = true;
      await Promise.resolve();
      yield Buffer.from('y');
    }
    const error: unknown = await storage.put('plain.txt/child', watchedBody()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: 'STORAGE_FAILED', operation: 'put', retryable: false, value: 'plain.txt/child' });
    expect(pulled).toBe(false);
  });

  it('cleans up when the final rename fails (a folder sits at the key)', async () => {
    await mkdir(path.join(root, 'taken', 'inner'), { recursive: true });
    await writeFile(path.join(root, 'taken', 'inner', 'f'), 'f');
    const error: unknown = await storage.put('taken', bodyOf(Buffer.from('data'))).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'STORAGE_FAILED', operation: 'put' });
    expect(await filesUnder(root)).toEqual(['taken/inner/f']);
  });

  it('reads a large object in bounded chunks, in order', async () => {
    const bytes = Buffer.alloc(1024 * 1024 + 5);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
    await storage.put('big.bin', bodyOf(bytes));
    const chunks: Uint8Array[] = [];
    for await (const chunk of storage.get('big.bin', { start: 3 })) chunks.push(chunk);
    expect(Math.max(...chunks.map((chunk) => chunk.byteLength))).toBeLessThanOrEqual(64 * 1024);
    expectSameBytes(Buffer.concat(chunks), bytes.subarray(3), 'read from byte 3');
  });
});

for (const { name, blockingCalls } of MODES) {
  describe(`LocalStorage with ${name}`, () => {
    let root: string;
    let storage: LocalStorage;

    beforeEach(async () => {
      root = path.join(await freshFolder(), 'root');
      storage = new LocalStorage(root, { blockingCalls });
    });

    // 64 KiB is where reads by blocking calls give way to the threadpool: both sides of it, and on it.
    it.each([SMALL_OBJECT_BYTES - 1, SMALL_OBJECT_BYTES, SMALL_OBJECT_BYTES + 1])(
      'reads an object of %i bytes back whole and in byte ranges',
      async (size) => {
        const bytes = randomBytes(size);
        await storage.put('edge.bin', bodyOf(...chunksOf(bytes, 10_000)));
        expect(await storage.head('edge.bin')).toEqual({ size });
        expectSameBytes(await readAll(storage.get('edge.bin')), bytes, 'whole');
        const cases: [{ start: number; end?: number }, Uint8Array][] = [
          [{ start: 0 }, bytes],
          [{ start: 1, end: size - 1 }, bytes.subarray(1, size - 1)],
          [{ start: 4321, end: 4400 }, bytes.subarray(4321, 4400)],
          [{ start: size - 1 }, bytes.subarray(size - 1)],
          [{ start: size - 2, end: size + 100 }, bytes.subarray(size - 2)],
          [{ start: size }, new Uint8Array(0)],
          [{ start: size + 1, end: size + 50 }, new Uint8Array(0)],
        ];
        for (const [range, expected] of cases) {
          expectSameBytes(await readAll(storage.get('edge.bin', range)), expected, `range ${JSON.stringify(range)}`);
        }
      },
    );

    it('treats a folder made for deeper keys as no object', async () => {
      await storage.put('folder/file.txt', bodyOf(Buffer.from('x')));
      expect(await storage.head('folder')).toBeNull();
      await expect(readAll(storage.get('folder'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(readAll(storage.get('folder', { start: 0, end: 1 }))).rejects.toBeInstanceOf(NotFoundError);
      await storage.delete('folder');
      expect(await filesUnder(root)).toEqual(['folder/file.txt']);
    });

    it('reports a key under a file (ENOTDIR) as missing', async () => {
      await storage.put('plain.txt', bodyOf(Buffer.from('x')));
      expect(await storage.head('plain.txt/child')).toBeNull();
      expect(await storage.head('plain.txt/child/deeper')).toBeNull();
      await expect(readAll(storage.get('plain.txt/child'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(readAll(storage.get('plain.txt/child', { start: 1 }))).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}

describe('LocalStorage blockingCalls', () => {
  let root: string;

  beforeEach(async () => {
    root = path.join(await freshFolder(), 'root');
    for (const spy of Object.values(fsSpies)) spy.mockClear();
  });

  /** The blocking calls a head and whole reads of a small and a large object made. */
  async function blockingCallsOf(storage: LocalStorage): Promise<{ stats: number; smallReads: number; largeReads: number }> {
    await storage.put('small.bin', bodyOf(randomBytes(1000)));
    await storage.put('large.bin', bodyOf(randomBytes(SMALL_OBJECT_BYTES + 1)));
    for (const spy of Object.values(fsSpies)) spy.mockClear();
    expect(await storage.head('small.bin')).toEqual({ size: 1000 });
    const stats = fsSpies.statSync.mock.calls.length;
    expect((await readAll(storage.get('small.bin'))).byteLength).toBe(1000);
    const smallReads = fsSpies.readSync.mock.calls.length;
    fsSpies.readSync.mockClear();
    expect((await readAll(storage.get('large.bin'))).byteLength).toBe(SMALL_OBJECT_BYTES + 1);
    return { stats, smallReads, largeReads: fsSpies.readSync.mock.calls.length };
  }

  it('makes stats and small reads as blocking calls when asked, and leaves larger reads to the threadpool', async () => {
    const calls = await blockingCallsOf(new LocalStorage(root, { blockingCalls: true }));
    expect(calls.stats).toBeGreaterThan(0);
    expect(calls.smallReads).toBeGreaterThan(0);
    expect(calls.largeReads).toBe(0);
  });

  it('makes no blocking calls when told not to', async () => {
    expect(await blockingCallsOf(new LocalStorage(root, { blockingCalls: false }))).toEqual({ stats: 0, smallReads: 0, largeReads: 0 });
  });

  it('asks what file system the root is on at its first call, which goes through the threadpool meanwhile', async () => {
    fsSpies.statSync.mockClear();
    const storage = new LocalStorage(root);
    expect(await storage.head('nothing-here.bin')).toBeNull();
    expect(fsSpies.statSync.mock.calls.length).toBe(0);
  });

  it('makes blocking calls by default on a local file system, once it is known', async () => {
    const calls = await blockingCallsOf(new LocalStorage(root));
    expect(calls.stats).toBeGreaterThan(0);
    expect(calls.smallReads).toBeGreaterThan(0);
  });
});
