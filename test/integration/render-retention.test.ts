import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderSpec } from '../../src/render/render-record.ts';
import { renderKeys } from '../../src/render/render-keys.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';

/** Issue #8 item 7: render records no longer live forever; they expire RENDER_RETENTION_DAYS after they end. */
const config = testConfig();
let redis: Redis;

beforeAll(() => {
  redis = new Redis(config.REDIS_URL);
});
afterAll(async () => {
  await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  redis.disconnect();
});

function spec(id: string): RenderSpec {
  return {
    id,
    createdAt: new Date().toISOString(),
    provider: 'espeak',
    model: 'espeak-ng',
    voice: 'en-us',
    voiceSettings: {},
    audio: { format: 'mp3', sampleRate: 22050, channels: 1 },
    output: 'file:///tmp/x',
    characters: 3,
    segmentCount: 1,
    chapterCount: 1,
  };
}

const newId = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

describe('render record retention', () => {
  it('an ended render (completed, failed or cancelled) gets RENDER_RETENTION_DAYS to live; a running one none', async () => {
    const store = new RenderStore(redis, config.QUEUE_PREFIX, { retentionDays: config.RENDER_RETENTION_DAYS });
    expect(config.RENDER_RETENTION_DAYS, 'the default').toBe(30);
    const [done, failed, cancelled, running] = [newId('done'), newId('failed'), newId('cancelled'), newId('running')];
    for (const id of [done, failed, cancelled, running]) await store.create(spec(id));
    for (const id of [done, failed, cancelled, running]) {
      await store.markRunning(id);
      await store.markSegmentDone(id, 0, true, 3);
    }
    await store.markCompleted(done, { location: 'x', manifest: 'y', durationMs: 1, bytes: 1, billedCharacters: 0 });
    await store.markFailed(failed, 'boom');
    await store.cancel(cancelled);
    const thirtyDays = 30 * 24 * 3600;
    for (const id of [done, failed, cancelled]) {
      const keys = renderKeys(config.QUEUE_PREFIX, id);
      for (const key of [keys.record, keys.done, keys.cached]) {
        const ttl = await redis.ttl(key);
        expect(ttl, `${key}`).toBeGreaterThan(thirtyDays - 60);
        expect(ttl, `${key}`).toBeLessThanOrEqual(thirtyDays);
      }
    }
    expect(await redis.ttl(renderKeys(config.QUEUE_PREFIX, running).record), 'a running render does not expire').toBe(-1);
  });

  it('a segment reported after its render ended counts nothing and leaves no key without a time to live', async () => {
    const store = new RenderStore(redis, config.QUEUE_PREFIX, { retentionDays: config.RENDER_RETENTION_DAYS });
    const id = newId('late');
    await store.create(spec(id));
    await store.markRunning(id);
    await store.cancel(id);
    // An in-flight segment that finished (from the cache) just after the cancel.
    await store.markSegmentDone(id, 0, true, 3);
    const keys = renderKeys(config.QUEUE_PREFIX, id);
    for (const key of [keys.record, keys.outline, keys.done, keys.cached]) expect(await redis.ttl(key), key).not.toBe(-1);
    const state = await store.get(id);
    expect(state).toMatchObject({ status: 'cancelled', segmentsDone: 0, cachedSegments: 0, charsDone: 0 });
  });

  it('an expired record is gone from get and list, and reading it removes its id from the index', async () => {
    const store = new RenderStore(redis, config.QUEUE_PREFIX, { retentionDays: 1 / 86_400 }); // one second
    const id = newId('short');
    await store.create(spec(id));
    await store.markFailed(id, 'boom');
    const keys = renderKeys(config.QUEUE_PREFIX, id);
    const deadline = Date.now() + 10_000;
    while ((await redis.exists(keys.record)) === 1) {
      if (Date.now() > deadline) throw new Error('the record did not expire within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 100)); // polling Redis for the expiry, with a deadline
    }
    expect(await redis.zscore(keys.index, id), 'still indexed until read').not.toBeNull();
    expect((await store.list({ limit: 1000 })).map((state) => state.spec.id)).not.toContain(id);
    expect(await redis.zscore(keys.index, id), 'list dropped the expired id from the index').toBeNull();
    expect(await store.get(id)).toBeNull();
  });
});
