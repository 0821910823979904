import { bytesBody } from '../../src/util/bytes-body.ts';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.ts';
import { NotFoundError } from '../../src/errors/not-found-error.ts';
import type { TtsBatchError } from '../../src/errors/tts-batch-error.ts';
import type { Storage } from '../../src/storage/storage.ts';

/** Yields the given chunks, in order. */
export async function* bodyOf(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array, void, undefined> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield chunk;
  }
}

/** Yields `chunks`, then throws `error`, as a provider stream cut mid-way does. */
export async function* failingBody(chunks: Uint8Array[], error: Error): AsyncGenerator<Uint8Array, void, undefined> {
  yield* bodyOf(...chunks);
  throw error;
}

export async function readAll(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Compares bytes by length and digest, so a failure says how they differ without dumping them. */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  expect({ bytes: actual.byteLength, sha256: sha256(actual) }, what).toEqual({ bytes: expected.byteLength, sha256: sha256(expected) });
}

/** Splits `bytes` into chunks of `size` (the last one shorter), as views without copying. */
export function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += size) chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
}

/** What `call` throws synchronously, or undefined. */
export function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

export const UNSAFE_KEYS = [
  '',
  '../escape',
  'a/../../escape',
  '/etc/passwd',
  'a\\b',
  'a\0b',
  'a//b',
  'a/',
  './a',
  'a/./b',
  '..',
  ' a',
  'a ',
  'a:b',
  'a\u202eb', // a right-to-left override: a name that reads as another
  'a\u200bb', // a zero-width space
];

/**
 * The behaviour every Storage must show, run against each implementation. `makeStorage` is
 * called once per suite; every test works under its own random key prefix and deletes what it wrote.
 */
export function describeStorageContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    let written: string[] = [];
    let scope = '';

    /** A fresh key under this test's own prefix, deleted after the test. */
    const keyFor = (leaf: string): string => {
      const key = `${scope}/${leaf}`;
      written.push(key);
      return key;
    };

    beforeAll(async () => {
      storage = await makeStorage();
    });
    afterAll(async () => {
      await storage.close();
    });
    beforeEach(() => {
      scope = `contract-${randomUUID()}`;
      written = [];
    });
    afterEach(async () => {
      await Promise.all(written.map((key) => storage.delete(key)));
    });

    it('stores a body of many chunks and reads it back byte-identical, with its size', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const key = keyFor('nested/deeper/audio.mp3');
      const info = await storage.put(key, bodyOf(...chunksOf(bytes, 64 * 1024)), { contentType: 'audio/mpeg' });
      expect(info).toEqual({ size: bytes.byteLength });
      expect(await storage.head(key)).toEqual({ size: bytes.byteLength });
      expectSameBytes(await readAll(storage.get(key)), bytes, 'read back');
    });

    it('stores an empty body as an empty object', async () => {
      const key = keyFor('empty.bin');
      expect(await storage.put(key, bodyOf())).toEqual({ size: 0 });
      expect(await storage.head(key)).toEqual({ size: 0 });
      expect((await readAll(storage.get(key))).byteLength).toBe(0);
      expect((await readAll(storage.get(key, { start: 0 }))).byteLength).toBe(0);
      expect((await readAll(storage.get(key, { start: 3, end: 9 }))).byteLength).toBe(0);
    });

    it('reads byte ranges [start, end), clamped to the object', async () => {
      const bytes = randomBytes(1000);
      const key = keyFor('ranges.bin');
      await storage.put(key, bodyOf(bytes));
      const cases: [{ start: number; end?: number }, Uint8Array][] = [
        [{ start: 10, end: 20 }, bytes.subarray(10, 20)],
        [{ start: 0, end: 1 }, bytes.subarray(0, 1)],
        [{ start: 1, end: 2 }, bytes.subarray(1, 2)],
        [{ start: 990 }, bytes.subarray(990)],
        [{ start: 0 }, bytes],
        [{ start: 995, end: 5000 }, bytes.subarray(995)],
        [{ start: 999, end: 1000 }, bytes.subarray(999)],
        [{ start: 500, end: 500 }, new Uint8Array(0)],
        [{ start: 1000 }, new Uint8Array(0)],
        [{ start: 4000, end: 5000 }, new Uint8Array(0)],
      ];
      for (const [range, expected] of cases) {
        expectSameBytes(await readAll(storage.get(key, range)), expected, `range ${JSON.stringify(range)}`);
      }
    });

    it('refuses malformed ranges when get is called, naming the range', () => {
      const key = keyFor('bad-range.bin');
      for (const range of [{ start: -1 }, { start: 1.5 }, { start: 5, end: 4 }, { start: 0, end: Number.NaN }]) {
        const error = thrownBy(() => storage.get(key, range));
        expect(error, JSON.stringify(range)).toBeInstanceOf(InputError);
        expect((error as InputError).field).toBe('range');
      }
    });

    it('reports a missing key: head gives null, get throws NOT_FOUND, delete is a no-op', async () => {
      const key = keyFor('never-written.bin');
      expect(await storage.head(key)).toBeNull();
      for (const range of [undefined, { start: 0, end: 10 }, { start: 5 }, { start: 3, end: 3 }]) {
        const error: unknown = await readAll(storage.get(key, range)).catch((caught: unknown) => caught);
        expect(error, `get with range ${JSON.stringify(range)}`).toBeInstanceOf(NotFoundError);
        expect((error as TtsBatchError).code).toBe('NOT_FOUND');
        expect((error as TtsBatchError).value).toBe(key);
      }
      await expect(storage.delete(key)).resolves.toBeUndefined();
    });

    it('replaces an object on a second put', async () => {
      const key = keyFor('replaced.bin');
      await storage.put(key, bodyOf(Buffer.from('first version, longer than the second')));
      await storage.put(key, bodyOf(Buffer.from('second')));
      expect((await readAll(storage.get(key))).toString()).toBe('second');
      expect(await storage.head(key)).toEqual({ size: 6 });
    });

    it('leaves nothing at the key when the body throws midway, and passes on the body’s own error', async () => {
      const key = keyFor('cut.bin');
      const cut = new Error('provider stream cut');
      const error: unknown = await storage
        .put(key, failingBody(chunksOf(randomBytes(256 * 1024), 16 * 1024), cut))
        .catch((caught: unknown) => caught);
      expect(error).toBe(cut);
      expect(await storage.head(key)).toBeNull();
      await expect(readAll(storage.get(key))).rejects.toBeInstanceOf(NotFoundError);
    });

    it('keeps the previous object intact when a replacing put fails', async () => {
      const key = keyFor('kept.bin');
      const original = randomBytes(4096);
      await storage.put(key, bodyOf(original));
      const cut = new Error('cut while replacing');
      await expect(storage.put(key, failingBody([randomBytes(8192)], cut))).rejects.toBe(cut);
      expectSameBytes(await readAll(storage.get(key)), original, 'the previous object');
    });

    it('deletes an object', async () => {
      const key = keyFor('deleted.bin');
      await storage.put(key, bodyOf(Buffer.from('bye')));
      await storage.delete(key);
      expect(await storage.head(key)).toBeNull();
      await expect(readAll(storage.get(key))).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lets a reader stop early and frees the object for the next call', async () => {
      const key = keyFor('partly-read.bin');
      const bytes = randomBytes(512 * 1024);
      await storage.put(key, bodyOf(bytes));
      let first: Uint8Array | undefined;
      for await (const chunk of storage.get(key)) {
        first = chunk;
        break;
      }
      expect(first, 'a first chunk').toBeDefined();
      expectSameBytes(first ?? new Uint8Array(0), bytes.subarray(0, first?.byteLength ?? 0), 'the first chunk');
      await storage.delete(key);
      expect(await storage.head(key)).toBeNull();
    });

    it('refuses unsafe keys in every method, before touching the body', async () => {
      for (const key of UNSAFE_KEYS) {
        let pulled = false;
        const body = (async function* () {
          pulled = true;
          await Promise.resolve();
          yield Buffer.from('x');
        })();
        const label = `key ${JSON.stringify(key)}`;
        await expect(storage.head(key), label).rejects.toMatchObject({ code: 'INPUT_INVALID', field: 'key' });
        await expect(storage.put(key, body), label).rejects.toMatchObject({ code: 'INPUT_INVALID', field: 'key' });
        await expect(
          storage.putWithDeferredHeader(key, 0, body, () => new Uint8Array(0)),
          label,
        ).rejects.toMatchObject({ code: 'INPUT_INVALID', field: 'key' });
        await expect(storage.delete(key), label).rejects.toMatchObject({ code: 'INPUT_INVALID', field: 'key' });
        expect(() => storage.get(key), label).toThrow(InputError);
        expect(pulled, `${label}: body was read`).toBe(false);
      }
    });

    it('stores, lists and serves keys named after a book: inner spaces, punctuation, letters of any script', async () => {
      const keys = [
        keyFor("The Hitchhiker's Guide (2nd, ed.) & more!/01 - Chapter One.mp3"),
        keyFor('三体/第一章 疯狂年代.m4b'),
        keyFor('café/Ærø.flac'),
      ];
      for (const [index, key] of keys.entries()) {
        const bytes = Buffer.from(`book ${index}`);
        await storage.put(key, bytesBody(bytes));
        expect((await storage.head(key))?.size, key).toBe(bytes.length);
        expectSameBytes(await readAll(storage.get(key)), bytes, key);
      }
      const folder = keys[1]?.slice(0, keys[1].lastIndexOf('/')) ?? '';
      const listed: string[] = [];
      for await (const object of storage.list(folder)) listed.push(object.key);
      expect(listed).toEqual([keys[1]]);
      for (const key of keys) await storage.delete(key);
      for (const key of keys) expect(await storage.head(key)).toBeNull();
    });

    it('writes a deferred header in front of the body, asking for it only after the body is drained', async () => {
      const key = keyFor('deferred/book.mp3');
      const body = randomBytes(300 * 1024 + 5);
      const header = randomBytes(417);
      let drained = false;
      const chunks = (async function* () {
        yield* bodyOf(...chunksOf(body, 16 * 1024));
        drained = true;
      })();
      const info = await storage.putWithDeferredHeader(
        key,
        header.byteLength,
        chunks,
        () => {
          expect(drained, 'the body was drained before the header was asked for').toBe(true);
          return header;
        },
        { contentType: 'audio/mpeg' },
      );
      expect(info).toEqual({ size: header.byteLength + body.byteLength });
      expect(await storage.head(key)).toEqual({ size: header.byteLength + body.byteLength });
      expectSameBytes(await readAll(storage.get(key)), Buffer.concat([header, body]), 'header then body');
    });

    it('stores a deferred header alone when the body is empty', async () => {
      const key = keyFor('header-only.bin');
      const header = randomBytes(64);
      expect(await storage.putWithDeferredHeader(key, 64, bodyOf(), () => Promise.resolve(header))).toEqual({ size: 64 });
      expectSameBytes(await readAll(storage.get(key)), header, 'the header');
    });

    it('refuses a deferred header of another size than reserved, leaving nothing at the key', async () => {
      const key = keyFor('wrong-header.bin');
      const error: unknown = await storage
        .putWithDeferredHeader(key, 100, bodyOf(randomBytes(8192)), () => randomBytes(99))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InputError);
      expect(error).toMatchObject({ code: 'INPUT_INVALID', field: 'headerSize' });
      expect(await storage.head(key)).toBeNull();
      await expect(storage.putWithDeferredHeader(key, -1, bodyOf(), () => new Uint8Array(0))).rejects.toMatchObject({
        field: 'headerSize',
      });
      expect(await storage.head(key)).toBeNull();
    });

    it('leaves nothing at the key and never asks for the header when a deferred-header body throws', async () => {
      const key = keyFor('deferred-cut.bin');
      const cut = new Error('segment cut');
      let asked = false;
      const error: unknown = await storage
        .putWithDeferredHeader(key, 10, failingBody(chunksOf(randomBytes(256 * 1024), 16 * 1024), cut), () => {
          asked = true;
          return new Uint8Array(10);
        })
        .catch((caught: unknown) => caught);
      expect(error).toBe(cut);
      expect(asked, 'finalHeader was called').toBe(false);
      expect(await storage.head(key)).toBeNull();
    });

    it('reads back a deferred-header object of many megabytes byte-identical, header in front', async () => {
      const key = keyFor('deferred-large.bin');
      const body = randomBytes(12 * 1024 * 1024 + 4321);
      const header = randomBytes(9000);
      const info = await storage.putWithDeferredHeader(key, header.byteLength, bodyOf(...chunksOf(body, 64 * 1024)), () => header);
      expect(info).toEqual({ size: header.byteLength + body.byteLength });
      expectSameBytes(await readAll(storage.get(key)), Buffer.concat([header, body]), 'header then 12 MiB of body');
    });

    it('lists every object under a folder prefix, with size and modification time, over many pages', async () => {
      const started = Date.now() - 5000;
      const keys = Array.from({ length: 23 }, (_, i) => keyFor(`listed/${i % 3}/object-${String(i).padStart(2, '0')}.bin`));
      await Promise.all(keys.map((key, i) => storage.put(key, bodyOf(randomBytes(i + 1)))));
      const outside = keyFor('listed-not/alone.bin');
      await storage.put(outside, bodyOf(Buffer.from('x')));
      const found: { key: string; size: number; lastModified: Date }[] = [];
      for await (const object of storage.list(`${scope}/listed`, { pageSize: 5 })) found.push(object);
      expect(found.map((object) => object.key).sort()).toEqual([...keys].sort());
      for (const object of found) {
        expect(object.size).toBe(keys.indexOf(object.key) + 1);
        expect(object.lastModified).toBeInstanceOf(Date);
        expect(object.lastModified.getTime()).toBeGreaterThan(started);
        expect(object.lastModified.getTime()).toBeLessThan(Date.now() + 5000);
      }
      const sub: string[] = [];
      for await (const object of storage.list(`${scope}/listed/1`)) sub.push(object.key);
      expect(sub.sort()).toEqual(keys.filter((key) => key.includes('/listed/1/')).sort());
    });

    it('lists nothing under a prefix that holds nothing, and refuses an unsafe prefix', async () => {
      const none: string[] = [];
      for await (const object of storage.list(`${scope}/nothing-here`)) none.push(object.key);
      expect(none).toEqual([]);
      for (const prefix of ['../escape', '/etc', 'a//b', 'a\\b']) {
        expect(() => storage.list(prefix), prefix).toThrow(InputError);
      }
    });

    it('does not list a put still in progress', async () => {
      const key = keyFor('in-progress/segment.mp3');
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let firstTaken: () => void = () => undefined;
      const taken = new Promise<void>((resolve) => {
        firstTaken = resolve;
      });
      const body = (async function* () {
        yield randomBytes(64 * 1024);
        firstTaken(); // the storage took the first chunk and asks for more: the write is under way
        await held;
        yield randomBytes(16);
      })();
      const writing = storage.put(key, body);
      await taken;
      const during: string[] = [];
      for await (const object of storage.list(`${scope}/in-progress`)) during.push(object.key);
      expect(during).toEqual([]);
      release();
      await writing;
      const after: string[] = [];
      for await (const object of storage.list(`${scope}/in-progress`)) after.push(object.key);
      expect(after).toEqual([key]);
    });

    it('names where it points', () => {
      expect(storage.url).toMatch(/^(file:\/\/\/|s3:\/\/)/);
    });
  });
}
