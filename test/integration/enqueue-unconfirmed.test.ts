import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { EnqueueUnconfirmedError } from '../../src/errors/enqueue-error.ts';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { espeakDefinition } from '../../src/providers/espeak/definition.ts';
import { STITCH_QUEUE } from '../../src/queue/queue-names.ts';
import { reconcileEnqueues } from '../../src/producer/enqueue-reconciler.ts';
import { idempotencyKey } from '../../src/render/render-keys.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';

/**
 * The flow was added, then confirming the enqueue failed (a Redis blip on that one command).
 * The render exists and will run, so nothing may be undone and the Idempotency-Key must stay with
 * it: releasing it (as the route once did for any enqueue error) let a client's retry start and
 * bill a second render.
 */
describe('an enqueue whose confirmation failed', () => {
  let config: AppConfig;
  let redis: Redis;

  beforeAll(() => {
    config = testConfig();
    redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    redis?.disconnect();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  });

  it('throws EnqueueUnconfirmedError, undoes nothing, and the reconciler confirms it and keeps its key', async () => {
    const prefix = config.QUEUE_PREFIX;
    // Only the ledger's FINISH script fails; every other command (the flow included) goes through.
    const blip = new Proxy(redis, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property === 'eval') {
          return (script: string, ...rest: unknown[]) =>
            script.includes("'enqueueExpired'") && !script.includes("'status', 'failed'")
              ? Promise.reject(new Error('Connection is closed.'))
              : (target.eval as (...args: unknown[]) => Promise<unknown>)(script, ...rest);
        }
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const store = new RenderStore(redis, prefix);
    const claimKey = 'unconfirmed-key';
    expect(await store.claimIdempotencyKey(claimKey, 'unconfirmed', 2 * config.ENQUEUE_RECONCILE_MS)).toBeNull();
    const plan = planRender('One short sentence.', espeakDefinition.limits);
    const request = {
      id: 'unconfirmed',
      plan,
      provider: espeakDefinition,
      options: resolveRenderOptions(espeakDefinition, {}),
      output: describeLocation('/tmp'),
      idempotencyKey: claimKey,
    };
    const error = await enqueueRender(
      { connection: blip, prefix, store, retry: { attempts: 1, backoffMs: 10 }, enqueueTimeoutMs: 1000 },
      request,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnqueueUnconfirmedError);
    expect((error as EnqueueUnconfirmedError).retryable).toBe(true);

    // Nothing undone: the record and the flow stand.
    expect((await store.get('unconfirmed'))?.status).toBe('queued');
    const stitch = new Queue(STITCH_QUEUE, { connection: redis, prefix });
    try {
      expect(await stitch.getJobState('unconfirmed')).toBe('waiting-children');
    } finally {
      await stitch.close();
    }

    // Past the deadline the reconciler finds the flow and confirms the enqueue: the claim is kept a day.
    const settled = await reconcileEnqueues(
      { connection: redis, prefix, windowMs: 1000, retentionDays: 30, logger: { warn: () => undefined, error: () => undefined } },
      Date.now() + 2000,
    );
    expect(settled).toEqual({ finished: ['unconfirmed'], failed: [] });
    expect((await store.get('unconfirmed'))?.status, 'never failed').toBe('queued');
    const claim = idempotencyKey(prefix, createHash('sha256').update(claimKey).digest('hex'));
    expect(await redis.get(claim)).toBe('unconfirmed');
    expect(await redis.pttl(claim), 'the claim now lives a day').toBeGreaterThan(23 * 3600 * 1000);
  });
});
