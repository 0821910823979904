import { describe, expect, it } from 'vitest';
import { prefetchedAheadNow, prefetchedHeads, prefetchedReads, PROCESS_PREFETCH_LIMIT } from '../../../src/storage/prefetched-reads.ts';
import type { ObjectInfo } from '../../../src/storage/storage.ts';
import { MemoryStorage } from '../../support/memory-storage.ts';

/** MemoryStorage that counts reads open at once (first pull to close) and heads in flight. */
class CountingStorage extends MemoryStorage {
  open = 0;
  maxOpen = 0;
  started: string[] = [];
  closed: string[] = [];
  headsInFlight = 0;
  maxHeadsInFlight = 0;

  override get(key: string, range?: { start: number; end?: number }): AsyncIterable<Uint8Array> {
    const inner = super.get(key, range);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the generator below reports to this storage
    const storage = this;
    return {
      async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
        storage.started.push(key);
        storage.open += 1;
        storage.maxOpen = Math.max(storage.maxOpen, storage.open);
        try {
          yield* inner;
        } finally {
          storage.open -= 1;
          storage.closed.push(key);
        }
      },
    };
  }

  override async head(key: string): Promise<ObjectInfo | null> {
    this.headsInFlight += 1;
    this.maxHeadsInFlight = Math.max(this.maxHeadsInFlight, this.headsInFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.headsInFlight -= 1;
    return super.head(key);
  }
}

function book(count: number): { storage: CountingStorage; keys: string[] } {
  const storage = new CountingStorage({ chunkSize: 3 });
  const keys = Array.from({ length: count }, (_, index) => `segments/${index}.pcm`);
  keys.forEach((key, index) => storage.set(key, new TextEncoder().encode(`segment ${index}`)));
  return { storage, keys };
}

async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

describe('prefetchedReads', () => {
  it('hands every object out in order, whole, with reads started ahead but never more than depth + 1 open', async () => {
    const { storage, keys } = book(40);
    const seen: string[] = [];
    for await (const body of prefetchedReads(storage, keys, 4)) {
      // By the time the first body is handed out, the next ones have been asked for.
      if (seen.length === 0) expect(storage.started.length).toBeGreaterThan(1);
      seen.push(await text(body));
    }
    expect(seen).toEqual(keys.map((_, index) => `segment ${index}`));
    expect(storage.maxOpen).toBeGreaterThan(1);
    expect(storage.maxOpen).toBeLessThanOrEqual(5);
    expect(storage.open).toBe(0);
    expect(storage.closed.length).toBe(40);
  });

  it('closes every read it started when the caller stops early', async () => {
    const { storage, keys } = book(20);
    let taken = 0;
    for await (const body of prefetchedReads(storage, keys, 8)) {
      await text(body);
      taken += 1;
      if (taken === 3) break;
    }
    expect(storage.started.length).toBeGreaterThan(3);
    expect(storage.open, 'no read left open').toBe(0);
    expect(new Set(storage.closed)).toEqual(new Set(storage.started));
  });

  it('closes a body handed out and never iterated, before handing out the next', async () => {
    const { storage, keys } = book(6);
    let index = 0;
    for await (const body of prefetchedReads(storage, keys, 2)) {
      if (index % 2 === 0) await text(body);
      index += 1;
    }
    expect(index).toBe(6);
    expect(storage.open).toBe(0);
  });

  it('lets a missing object fail where its body is read, after the ones before it were read', async () => {
    const { storage, keys } = book(5);
    storage.objects.delete(keys[3] as string);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const body of prefetchedReads(storage, keys, 8)) seen.push(await text(body));
    })();
    await expect(reading).rejects.toThrow(`no object at ${keys[3]}`);
    expect(seen).toEqual(['segment 0', 'segment 1', 'segment 2']);
    expect(storage.open).toBe(0);
  });
});

describe('prefetchedReads across joins', () => {
  it('holds at most PROCESS_PREFETCH_LIMIT reads ahead across every join at once, and none once they end', async () => {
    const { storage, keys } = book(60);
    const joins = 6;
    let maxAhead = 0;
    const join = async (): Promise<string[]> => {
      const seen: string[] = [];
      for await (const body of prefetchedReads(storage, keys, 8)) {
        maxAhead = Math.max(maxAhead, prefetchedAheadNow());
        seen.push(await text(body));
      }
      return seen;
    };
    const results = await Promise.all(Array.from({ length: joins }, () => join()));
    for (const seen of results) expect(seen).toEqual(keys.map((_, index) => `segment ${index}`));
    expect(maxAhead).toBeGreaterThan(0);
    expect(maxAhead).toBeLessThanOrEqual(PROCESS_PREFETCH_LIMIT);
    // Each join also holds the read it needs next and the one it is reading: never starved.
    expect(storage.maxOpen).toBeLessThanOrEqual(PROCESS_PREFETCH_LIMIT + 2 * joins);
    expect(prefetchedAheadNow()).toBe(0);
    expect(storage.open).toBe(0);
  });

  it('gives its share back when a join stops early', async () => {
    const { storage, keys } = book(30);
    for await (const body of prefetchedReads(storage, keys, 8)) {
      await text(body);
      break;
    }
    expect(prefetchedAheadNow()).toBe(0);
    expect(storage.open).toBe(0);
  });
});

describe('prefetchedHeads', () => {
  it('gives every head in order, missing ones as null, with at most depth in flight', async () => {
    const { storage, keys } = book(30);
    storage.objects.delete(keys[7] as string);
    const heads: (ObjectInfo | null)[] = [];
    for await (const head of prefetchedHeads(storage, keys, 5)) heads.push(head);
    expect(heads.map((head) => head?.size ?? null)).toEqual(keys.map((_, index) => (index === 7 ? null : `segment ${index}`.length)));
    expect(storage.maxHeadsInFlight).toBeGreaterThan(1);
    expect(storage.maxHeadsInFlight).toBeLessThanOrEqual(5);
  });
});
