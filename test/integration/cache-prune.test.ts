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

async function putManifest(id: string, keys: (string | undefined)[], ageDays: number, provider = 'senseaudio'): Promise<void> {
  const manifest = {
    id,
    status: 'completed',
    provider,
    segments: keys.map((key, index) => ({ index, ...(key === undefined ? {} : { key }) })),
  };
  await storage.put(`${id}/manifest.json`, bodyOf(Buffer.from(JSON.stringify(manifest))));
  await storage.put(`${id}/audio.mp3`, bodyOf(randomBytes(5000)));
  await age(`${id}/manifest.json`, ageDays);
  await age(`${id}/audio.mp3`, ageDays);
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

  it('names the render when neither a manifest nor a record knows it', async () => {
    await expect(evictSegments({ storage, store, target: { render: 'never-was' } })).rejects.toThrow(
      /render: no manifest at never-was\/manifest.json/,
    );
  });
});
