import { Redis } from 'ioredis';
import { pino } from 'pino';
import { RedisMetricsRecorder } from '../../src/metrics/metrics-recorder.ts';
import { renderEndAnnouncer } from '../../src/worker/render-ended.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cancelRender } from '../../src/producer/cancel-render.ts';
import { bookBudget, bookedNow, settleRenderBudget, type ProviderBudget } from '../../src/render/daily-budget.ts';
import { renderKeys } from '../../src/render/render-keys.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';
import { testRenderSpec } from '../support/render-spec.ts';

const DAY = 86_400_000;

/**
 * Issue 14 item 4: a render books its estimate against its provider's budget. Before, only a
 * completed render gave back what it did not bill, and never counted what it billed beyond the
 * booking: a cancelled or failed render kept its whole booking for the day (other renders waited
 * for the next window for units nobody spent), and retakes billed past the booking were never
 * counted (the window and `tts-batch providers` showed less than was spent).
 */
describe("a budgeted render's booking is settled to what it billed, however it ends", () => {
  const redisUrl = inject('redisUrl');
  let prefix: string;
  let redis: Redis;
  let store: RenderStore;
  const budget: ProviderBudget = { provider: 'senseaudio', unitsPerWindow: 10_000, windowMs: DAY };

  beforeAll(() => {
    prefix = uniquePrefix('budget-settle');
    redis = new Redis(redisUrl);
    store = new RenderStore(redis, prefix);
  });

  afterAll(async () => {
    await deletePrefix(redisUrl, prefix);
    redis.disconnect();
  });

  /** A render booked `units`, its segments reported done with what each billed. */
  async function bookedRender(id: string, units: number, billed: readonly number[]): Promise<void> {
    const booking = await bookBudget(redis, prefix, budget, units);
    const spec = testRenderSpec(id, { characters: 300, segmentCount: 3, budget: booking });
    expect(await store.create(spec)).toBe(true);
    for (const [index, units] of billed.entries()) await store.markSegmentDone(id, index, units === 0, 100, units);
  }

  it('a cancelled render keeps only what it billed; a second settlement changes nothing', async () => {
    const before = await bookedNow(redis, prefix, budget);
    await bookedRender('cancelled-part-way', 300, [100]);
    expect(await bookedNow(redis, prefix, budget)).toBe(before + 300);
    expect(await store.cancel('cancelled-part-way')).toBe('cancelled');
    await settleRenderBudget(redis, prefix, 'cancelled-part-way');
    expect(await bookedNow(redis, prefix, budget)).toBe(before + 100);
    await settleRenderBudget(redis, prefix, 'cancelled-part-way');
    expect(await bookedNow(redis, prefix, budget)).toBe(before + 100);
  });

  it('a render that billed more than it booked (retakes, a call made twice) counts all of it', async () => {
    const before = await bookedNow(redis, prefix, budget);
    // Booked 300; segment 1 billed three takes (300), segment 2 was found cached (0).
    await bookedRender('retaken', 300, [100, 300, 0]);
    await store.markSegmentDone('retaken', 0, false, 100, 100); // a stalled job's call made again
    // Still running: nothing moves yet (the rest of the render may need its booking).
    await settleRenderBudget(redis, prefix, 'retaken');
    expect(await bookedNow(redis, prefix, budget)).toBe(before + 300);
    expect(await store.markFailed('retaken', 'the stitch failed')).toBe(true);
    await settleRenderBudget(redis, prefix, 'retaken');
    expect(await bookedNow(redis, prefix, budget)).toBe(before + 500);
  });

  it('a render that billed nothing (never enqueued, or all cached) gives its whole booking back', async () => {
    const before = await bookedNow(redis, prefix, budget);
    await bookedRender('all-cached', 250, [0, 0, 0]);
    expect(await store.markFailed('all-cached', 'failed for the test')).toBe(true);
    await settleRenderBudget(redis, prefix, 'all-cached');
    expect(await bookedNow(redis, prefix, budget)).toBe(before);
  });

  it('a render without a booking, or one that is gone, is left alone', async () => {
    const before = await bookedNow(redis, prefix, budget);
    expect(await store.create(testRenderSpec('unbudgeted', { characters: 300, segmentCount: 3 }))).toBe(true);
    await store.markSegmentDone('unbudgeted', 0, false, 100, 100);
    await settleRenderBudget(redis, prefix, 'unbudgeted');
    await settleRenderBudget(redis, prefix, 'no-such-render');
    expect(await bookedNow(redis, prefix, budget)).toBe(before);
  });

  it('cancelling a queued render (no flow, nothing billed) frees its booking through the cancel itself', async () => {
    const before = await bookedNow(redis, prefix, budget);
    await bookedRender('cancelled-queued', 400, []);
    expect(await bookedNow(redis, prefix, budget)).toBe(before + 400);
    expect(await cancelRender({ connection: redis, prefix, store }, 'cancelled-queued')).toBe('cancelled');
    expect(await bookedNow(redis, prefix, budget)).toBe(before);
  });

  it('a segment billed after its render ended (cancelled while its take was stored) is settled too, by itself', async () => {
    const before = await bookedNow(redis, prefix, budget);
    await bookedRender('late', 300, [100]);
    expect(await store.cancel('late')).toBe('cancelled');
    await settleRenderBudget(redis, prefix, 'late');
    expect(await bookedNow(redis, prefix, budget)).toBe(before + 100);
    expect(await store.markSegmentDone('late', 1, false, 100, 60)).toBe('ended');
    await store.settleBudget('late');
    expect(await bookedNow(redis, prefix, budget)).toBe(before + 160);
  });

  it('an enqueue taken back gives its booking back once, even if the reconciler later fails the record too', async () => {
    const before = await bookedNow(redis, prefix, budget);
    await bookedRender('taken-back', 300, []);
    await settleRenderBudget(redis, prefix, 'taken-back', { beforeEnd: true });
    expect(await bookedNow(redis, prefix, budget)).toBe(before);
    // Its record's removal failed; the reconciler expires it and settles again.
    expect(await store.markFailed('taken-back', 'enqueue did not finish')).toBe(true);
    await settleRenderBudget(redis, prefix, 'taken-back');
    expect(await bookedNow(redis, prefix, budget)).toBe(before);
  });

  it('a record from before billed units were counted keeps its booking as it was', async () => {
    const before = await bookedNow(redis, prefix, budget);
    await bookedRender('older', 200, []);
    await redis.hdel(renderKeys(prefix, 'older').record, 'budgetTracked');
    expect(await store.cancel('older')).toBe('cancelled');
    await settleRenderBudget(redis, prefix, 'older');
    expect(await bookedNow(redis, prefix, budget)).toBe(before + 200);
  });

  it("the worker's end announcement settles it (every worker path that ends a render goes through it)", async () => {
    const before = await bookedNow(redis, prefix, budget);
    await bookedRender('announced', 300, [120]);
    expect(await store.markFailed('announced', 'segment 1: failed for good')).toBe(true);
    const announce = renderEndAnnouncer({
      connection: redis,
      prefix,
      metrics: new RedisMetricsRecorder(redis, prefix),
      logger: pino({ level: 'silent' }),
    });
    await announce('announced', 'failed');
    expect(await bookedNow(redis, prefix, budget)).toBe(before + 120);
    await announce('announced', 'failed');
    expect(await bookedNow(redis, prefix, budget)).toBe(before + 120);
  });
});
