import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../../../src/storage/local-storage.ts';
import { bodyOf } from '../../support/storage-contract.ts';

const made: string[] = [];
async function freshRoot(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'tts-batch-staged-writes-'));
  made.push(folder);
  return path.join(folder, 'root');
}

afterAll(async () => {
  await Promise.all(made.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** One buffer refilled after every yield, as a producer that reuses its buffer does. */
async function* reusedBuffer(chunks: number, size: number): AsyncGenerator<Uint8Array, void, undefined> {
  const buffer = new Uint8Array(size);
  for (let n = 0; n < chunks; n += 1) {
    await Promise.resolve();
    buffer.fill(n % 256);
    yield buffer;
  }
}

/** Small writes are gathered before they reach the file (issue 14 item 6): the bytes must stay exactly what was given. */
describe('LocalStorage: gathered small writes', () => {
  it('stores every byte in order when the body reuses one small buffer after each yield', async () => {
    const storage = new LocalStorage(await freshRoot());
    const info = await storage.put('a/small.pcm', reusedBuffer(300, 100));
    const stored = await readFile(path.join(storage.root, 'a', 'small.pcm'));
    expect(info.size).toBe(30_000);
    expect(stored.byteLength).toBe(30_000);
    for (let n = 0; n < 300; n += 1) expect(stored[n * 100]).toBe(n % 256);
  });

  it('keeps the order when small chunks and chunks larger than the gathering buffer alternate', async () => {
    const storage = new LocalStorage(await freshRoot());
    const parts = [Buffer.alloc(10, 1), Buffer.alloc(100_000, 2), Buffer.alloc(70_000, 3), Buffer.alloc(5, 4), Buffer.alloc(65_536, 5)];
    const info = await storage.put('b/mixed.bin', bodyOf(...parts));
    const stored = await readFile(path.join(storage.root, 'b', 'mixed.bin'));
    expect(info.size).toBe(Buffer.concat(parts).byteLength);
    expect(stored.equals(Buffer.concat(parts))).toBe(true);
  });

  it('writes the deferred header over the reserved bytes after the gathered body', async () => {
    const storage = new LocalStorage(await freshRoot());
    const bytes = Array.from({ length: 50 }, (_, n) => Buffer.from([n]));
    const info = await storage.putWithDeferredHeader('c/with-header.bin', 4, bodyOf(...bytes), () => Buffer.from('HEAD'));
    const stored = await readFile(path.join(storage.root, 'c', 'with-header.bin'));
    expect(info.size).toBe(54);
    expect(stored.subarray(0, 4).toString()).toBe('HEAD');
    expect([...stored.subarray(4)]).toEqual(Array.from({ length: 50 }, (_, n) => n));
  });

  it('makes a missing folder on the first put in it, and later puts reuse it', async () => {
    const storage = new LocalStorage(await freshRoot());
    await storage.put('deep/er/x.txt', bodyOf(Buffer.from('x')));
    await storage.put('deep/er/y.txt', bodyOf(Buffer.from('y')));
    expect(await readFile(path.join(storage.root, 'deep', 'er', 'x.txt'), 'utf8')).toBe('x');
    expect(await readFile(path.join(storage.root, 'deep', 'er', 'y.txt'), 'utf8')).toBe('y');
  });
});
