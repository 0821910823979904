import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderKeys } from '../../src/render/render-keys.ts';
import { RenderStore, type RenderEvent } from '../../src/render/render-store.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';
import { testRenderSpec } from '../support/render-spec.ts';

/**
 * A segment job's Redis steps, one round trip each (issue 14 item 6): startSegment is hasEnded and
 * markRunning at once, and markSegmentDone publishes its event in the same script.
 */
describe('RenderStore: a segment start and end in one step each', () => {
  const redisUrl = inject('redisUrl');
  let prefix: string;
  let redis: Redis;
  let subscriber: Redis;
  let store: RenderStore;
  const events: RenderEvent[] = [];

  beforeAll(async () => {
    prefix = uniquePrefix('segment-steps');
    redis = new Redis(redisUrl);
    subscriber = new Redis(redisUrl);
    store = new RenderStore(redis, prefix);
    subscriber.on('message', (_channel: string, message: string) => events.push(JSON.parse(message) as RenderEvent));
    await subscriber.subscribe(renderKeys(prefix, '').events);
  });

  afterAll(async () => {
    subscriber.disconnect();
    await deletePrefix(redisUrl, prefix);
    redis.disconnect();
  });

  /** The events of `id`, once `count` of them have reached the subscriber. */
  async function eventsOf(id: string, count: number): Promise<RenderEvent[]> {
    for (;;) {
      const mine = events.filter((event) => event.id === id);
      if (mine.length >= count) return mine;
      await new Promise<void>((resolve) => subscriber.once('message', () => resolve()));
    }
  }

  it('moves a render to running on its first segment only, with one running event', async () => {
    const spec = testRenderSpec('first');
    expect(await store.create(spec)).toBe(true);
    expect(await store.startSegment('first')).toBe('started');
    const startedAt = await redis.hget(`${prefix}:renders:first`, 'startedAt');
    expect(startedAt).not.toBeNull();
    expect(await store.startSegment('first')).toBe('started');
    expect(await redis.hget(`${prefix}:renders:first`, 'startedAt')).toBe(startedAt);
    expect((await store.get('first'))?.status).toBe('running');
    await store.markSegmentDone('first', 0, false, 5);
    await store.markSegmentDone('first', 1, true, 7);
    expect(await eventsOf('first', 3)).toEqual([
      { id: 'first', status: 'running' },
      { id: 'first', segment: 0, cached: false, chars: 5 },
      { id: 'first', segment: 1, cached: true, chars: 7 },
    ]);
    expect(await store.get('first')).toMatchObject({ segmentsDone: 2, cachedSegments: 1, charsDone: 12 });
  });

  it('answers ended for a cancelled render and writes nothing to it', async () => {
    const spec = testRenderSpec('gone');
    expect(await store.create(spec)).toBe(true);
    expect(await store.cancel('gone')).toBe('cancelled');
    expect(await store.startSegment('gone')).toBe('ended');
    expect(await redis.hget(`${prefix}:renders:gone`, 'startedAt')).toBeNull();
    expect((await store.get('gone'))?.status).toBe('cancelled');
  });

  it('does not bring back the record of a render that is gone', async () => {
    expect(await store.startSegment('nobody')).toBe('started');
    expect(await redis.exists(`${prefix}:renders:nobody`)).toBe(0);
  });
});
