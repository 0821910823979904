import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evictSegments } from '../../src/cache/evict-segments.ts';
import { pruneSegments } from '../../src/cache/prune-segments.ts';
import type { RenderSpec } from '../../src/render/render-record.ts';
import type { RenderOutline } from '../../src/render/render-outline.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { bodyOf } from '../support/storage-contract.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';

/** Issue #8 item 7: prune and evict delete exactly the unused segment objects, never a running render's. */
const DAY_MS = 24 * 3600 * 1000;
const config = testConfig();
let redis: Redis;
let store: RenderStore;
let folder: string;
let storage: LocalStorage;

beforeAll(() => {
  redis = new Redis(config.REDIS_URL);
  store = new RenderStore(redis, config.QUEUE_PREFIX);
});
afterAll(async () => {
  await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  redis.disconnect();
});
beforeEach(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
  folder = await mkdtemp(path.join(tmpdir(), 'tts-batch-cache-'));
  storage = new LocalStorage(folder);
});

function segmentKeyOf(label: string, provider = 'senseaudio'): string {
  const hash = createHash('sha256').update(label).digest('hex');
  return `.segments/${provider}/${hash.slice(0, 2)}/${hash}.mp3`;
}

/** A segment and its sidecar, written `ageDays` ago. */
async function putSegment(label: string, ageDays: number, bytes = 1000, provider = 'senseaudio'): Promise<string> {
  const key = segmentKeyOf(label, provider);
  await storage.put(key, bodyOf(randomBytes(bytes)));
  await storage.put(`${key}.json`, bodyOf(Buffer.from('{"traceId":"t"}')));
  await age(key, ageDays);
  await age(`${key}.json`, ageDays);
  return key;
}

/** A finished render's manifest and audio in `folder`: `<id>/` before delivery, the book's name since (issue 11 item 6). */
async function putManifest(id: string, keys: (string | undefined)[], ageDays: number, provider = 'senseaudio', folder = id): Promise<void> {
  const manifest = {
    id,
    status: 'completed',
    provider,
    segments: keys.map((key, index) => ({ index, ...(key === undefined ? {} : { key }) })),
  };
  await storage.put(`${folder}/manifest.json`, bodyOf(Buffer.from(JSON.stringify(manifest))));
  await storage.put(`${folder}/audio.mp3`, bodyOf(randomBytes(5000)));
  await age(`${folder}/manifest.json`, ageDays);
  await age(`${folder}/audio.mp3`, ageDays);
}

async function age(key: string, days: number): Promise<void> {
  const when = new Date(Date.now() - days * DAY_MS);
  await utimes(path.join(folder, ...key.split('/')), when, when);
}

function specOf(id: string, keys: string[]): RenderSpec {
  return {
    id,
    createdAt: new Date().toISOString(),
    provider: 'senseaudio',
    model: 'm',
    voice: 'v',
    voiceSettings: {},
    audio: { format: 'mp3', sampleRate: 32000, channels: 1 },
    output: storage.url,
    characters: 10,
    segmentCount: keys.length,
    chapterCount: 1,
  };
}

function outlineOf(keys: string[]): RenderOutline {
  return {
    chapters: [{ index: 0, title: '', firstSegment: 0 }],
    segments: keys.map((key, index) => ({ index, chapter: 0, chars: 5, key })),
  };
}

async function keysIn(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list(prefix)) keys.push(object.key);
  return keys.sort();
}

describe('cache prune', () => {
  it('deletes old unreferenced segments and their sidecars, keeps what a young manifest, a running render or youth protects', async () => {
    const orphan = await putSegment('orphan', 40, 3000);
    const usedByYoung = await putSegment('used-by-young-manifest', 40);
    const usedByOld = await putSegment('used-only-by-old-manifest', 40, 2000);
    const fresh = await putSegment('fresh-unreferenced', 2);
    const running = await putSegment('reused-by-running-render', 40);
    await putManifest('young', [usedByYoung], 3);
    await putManifest('old', [usedByOld], 45);
    await store.create(specOf(`run-${randomBytes(3).toString('hex')}`, [running]), {}, outlineOf([running]));

    const dry = await pruneSegments({ storage, store, unusedDays: 30, dryRun: true });
    const expected = [orphan, `${orphan}.json`, usedByOld, `${usedByOld}.json`].sort();
    expect(dry).toMatchObject({ dryRun: true, deletedObjects: 4, keptObjects: 6, deleted: expected });
    expect(await keysIn('.segments'), 'a dry run deletes nothing').toHaveLength(10);

    const report = await pruneSegments({ storage, store, unusedDays: 30 });
    const sidecarBytes = Buffer.byteLength('{"traceId":"t"}');
    expect(report).toMatchObject({ dryRun: false, deletedObjects: 4, deletedBytes: 3000 + 2000 + 2 * sidecarBytes, deleted: expected });
    expect(await keysIn('.segments')).toEqual(
      [usedByYoung, `${usedByYoung}.json`, fresh, `${fresh}.json`, running, `${running}.json`].sort(),
    );
    expect(await keysIn('old'), "a render's own audio and manifest are never pruned").toEqual(['old/audio.mp3', 'old/manifest.json']);
  });

  it('keeps a provider folder whole when a young manifest predates segment keys', async () => {
    const old = await putSegment('old-senseaudio', 40);
    const other = await putSegment('old-espeak', 40, 1000, 'espeak');
    await putManifest('legacy', [undefined, undefined], 1);
    const report = await pruneSegments({ storage, store, unusedDays: 30 });
    expect(report.deleted).toEqual([other, `${other}.json`]);
    expect(await keysIn('.segments/senseaudio')).toEqual([old, `${old}.json`]);
  });

  it("a young manifest in a book's folder protects its segments, whatever script the folder's name is in", async () => {
    const byChinese = await putSegment('used-by-三体', 40);
    const byFrench = await putSegment('used-by-l-étranger', 40);
    const bySuffixed = await putSegment('used-by-suffixed', 40);
    const orphan = await putSegment('orphan', 40);
    await putManifest('r20260101000000-aaaa0001', [byChinese], 2, 'senseaudio', '三体');
    await putManifest('r20260101000000-aaaa0002', [byFrench], 2, 'senseaudio', 'l-étranger');
    await putManifest('r20260101000000-aaaa0003', [bySuffixed], 2, 'senseaudio', 'the-sample-book-4f2a');
    const report = await pruneSegments({ storage, store, unusedDays: 30 });
    expect(report.deleted).toEqual([orphan, `${orphan}.json`].sort());
  });

  it('refuses a non-positive number of days before touching anything', async () => {
    await putSegment('kept', 40);
    for (const unusedDays of [0, -1, Number.NaN]) {
      await expect(pruneSegments({ storage, store, unusedDays })).rejects.toMatchObject({ code: 'INPUT_INVALID', field: 'unusedDays' });
    }
    expect(await keysIn('.segments')).toHaveLength(2);
  });
});

describe('cache evict', () => {
  it('evicts the segments of a finished render named by its manifest, sidecars included', async () => {
    const a = await putSegment('a', 1, 1500);
    const b = await putSegment('b', 1, 2500);
    const keep = await putSegment('someone-else', 1);
    await putManifest('done-render', [a, b, a], 1);
    const report = await evictSegments({ storage, store, target: { render: 'done-render' } });
    expect(report.deleted).toEqual([a, `${a}.json`, b, `${b}.json`].sort());
    expect(report.deletedBytes).toBe(1500 + 2500 + 2 * Buffer.byteLength('{"traceId":"t"}'));
    expect(await keysIn('.segments')).toEqual([keep, `${keep}.json`]);
    expect(await keysIn('done-render')).toEqual(['done-render/audio.mp3', 'done-render/manifest.json']);
  });

  it('evicts one KEY, refuses keys that are no segment, and refuses what a running render uses', async () => {
    const one = await putSegment('one', 1);
    const busy = await putSegment('busy', 1);
    const id = `busy-${randomBytes(3).toString('hex')}`;
    await store.create(specOf(id, [busy]), {}, outlineOf([busy]));
    expect((await evictSegments({ storage, store, target: { key: one } })).deleted).toEqual([one, `${one}.json`]);
    await expect(evictSegments({ storage, store, target: { key: 'done-render/audio.mp3' } })).rejects.toMatchObject({ field: 'key' });
    await expect(evictSegments({ storage, store, target: { key: '../etc/passwd' } })).rejects.toMatchObject({ field: 'key' });
    await expect(evictSegments({ storage, store, target: { key: busy } })).rejects.toThrow(/used by render/);
    await expect(evictSegments({ storage, store, target: { render: id } })).rejects.toMatchObject({ field: 'render' });
    expect(await keysIn('.segments')).toEqual([busy, `${busy}.json`]);
    await store.cancel(id);
    expect((await evictSegments({ storage, store, target: { render: id } })).deletedObjects).toBe(2);
  });

  it("finds a render's manifest in its book's folder: from its Redis record, or by its id when the record is gone", async () => {
    const a = await putSegment('book-a', 1);
    const b = await putSegment('book-b', 1);
    const keep = await putSegment('book-keep', 1);
    // Gone from Redis (a --local render, or past its retention): only the manifest in 三体/ names it.
    await putManifest('r20260101000000-bbbb0001', [a], 1, 'senseaudio', '三体');
    expect((await evictSegments({ storage, store, target: { render: 'r20260101000000-bbbb0001' } })).deleted).toEqual([a, `${a}.json`]);
    // Still in Redis, ended: its record says the folder.
    const id = `named-${randomBytes(3).toString('hex')}`;
    const spec: RenderSpec = {
      ...specOf(id, [b]),
      delivery: {
        profile: 'audiobook',
        format: 'mp3',
        split: 'none',
        tags: {},
        folder: 'the-sample-book-9c1e',
        baseName: 'The Sample Book',
      },
    };
    await store.create(spec, {}, outlineOf([keep]));
    await store.cancel(id);
    await putManifest(id, [b], 1, 'senseaudio', 'the-sample-book-9c1e');
    // The manifest (what the render used), not the record's outline, decides what goes.
    expect((await evictSegments({ storage, store, target: { render: id } })).deleted).toEqual([b, `${b}.json`]);
    expect(await keysIn('.segments')).toEqual([keep, `${keep}.json`]);
  });

  it('names the render when neither a manifest nor a record knows it', async () => {
    await expect(evictSegments({ storage, store, target: { render: 'never-was' } })).rejects.toThrow(
      /render: no manifest in file:\/\/.+ names render "never-was" and no render record for it/,
    );
  });
});
