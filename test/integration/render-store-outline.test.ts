import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RenderOutline } from '../../src/render/render-outline.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { countKeys, deletePrefix, uniquePrefix } from '../support/test-config.ts';
import { specFields, testRenderSpec } from '../support/render-spec.ts';

const outline: RenderOutline = {
  chapters: [{ index: 0, title: 'One', firstSegment: 0 }],
  segments: [
    { index: 0, chapter: 0, chars: 5, key: '.segments/a.mp3' },
    { index: 1, chapter: 0, chars: 7, key: '.segments/b.mp3' },
  ],
};

/** The record keeps counts, the outline keeps the lists, and progress is counted once per segment. */
describe('RenderStore: outline apart from the record, charsDone counted', () => {
  const redisUrl = inject('redisUrl');
  let prefix: string;
  let redis: Redis;
  let store: RenderStore;

  beforeAll(() => {
    prefix = uniquePrefix('outline');
    redis = new Redis(redisUrl);
    store = new RenderStore(redis, prefix);
  });

  afterAll(async () => {
    await deletePrefix(redisUrl, prefix);
    redis.disconnect();
  });

  it('counts a segment and its characters once however often it is reported', async () => {
    const spec = testRenderSpec('fresh');
    expect(await store.create(spec, {}, outline)).toBe(true);
    expect(await redis.hget(`${prefix}:renders:fresh`, 'spec')).not.toMatch(/segments"|\.segments\//);
    await store.markSegmentDone('fresh', 0, false, 5);
    await store.markSegmentDone('fresh', 0, false, 5); // at-least-once delivery: a second report
    await store.markSegmentDone('fresh', 1, true, 7);
    const state = await store.get('fresh');
    expect(state).toMatchObject({ segmentsDone: 2, cachedSegments: 1, charsDone: 12 });
    expect(state?.spec).toMatchObject({ segmentCount: 2, chapterCount: 1 });
    expect(await store.outline('fresh')).toEqual(outline);
    await store.remove('fresh');
    expect(await redis.exists(`${prefix}:renders:fresh:outline`)).toBe(0);
  });

  it('keeps the planned pauses in the outline (an outline written before pauses has none and still reads)', async () => {
    const paused: RenderOutline = {
      ...outline,
      segments: [{ ...outline.segments[0]!, pauseAfter: { ms: 800, reason: 'break-tag' } }, outline.segments[1]!],
      pauseBefore: { ms: 300, reason: 'break-tag' },
    };
    const spec = testRenderSpec('paused');
    expect(await store.create(spec, {}, paused)).toBe(true);
    expect(await store.outline('paused')).toEqual(paused);
    await store.remove('paused');
  });

  it('still reads a record written before the outline moved out (lists inside its spec)', async () => {
    const legacySpec = { ...specFields, id: 'legacy', ...outline };
    await redis.hset(`${prefix}:renders:legacy`, { spec: JSON.stringify(legacySpec), status: 'running' });
    await redis.sadd(`${prefix}:renders:legacy:done`, '0');
    expect(await store.get('legacy')).toMatchObject({ segmentsDone: 1, charsDone: 5, spec: { segmentCount: 2, chapterCount: 1 } });
    await store.markSegmentDone('legacy', 1, false, 7);
    expect((await store.get('legacy'))?.charsDone).toBe(12);
    expect(await store.outline('legacy')).toEqual(outline);
  });

  it('writes nothing for a segment of a render that is gone', async () => {
    const empty = uniquePrefix('gone');
    await new RenderStore(redis, empty).markSegmentDone('nobody', 0, true, 3);
    expect(await countKeys(redisUrl, empty)).toBe(0);
  });
});
