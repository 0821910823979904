import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RenderView } from '../../src/api/render-view.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { bytesBody } from '../../src/util/bytes-body.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { readEventStream, startApi, type ApiHarness, type SseEvent } from './api-harness.ts';
import { API_TOKEN } from './api-harness.ts';

/** Small segments, so one render has many: many pub/sub messages to fan out. */
const SMALL_LIMITS = { maxUnits: 300, targetUnits: 200, count: (text: string) => [...text].length };
const AUDIO_OPTIONS = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 };

describe('cheap reads: HEAD on audio, shared SSE progress', () => {
  let config: AppConfig;
  let api: ApiHarness;
  let out: string;
  let connection: Redis;
  let store: RenderStore;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'ttsb-cheap-reads-'));
    // No heartbeat during the test: every read it counts is caused by a message.
    config = testConfig({ API_TOKENS: API_TOKEN, API_DEFAULT_OUTPUT: out, API_SSE_HEARTBEAT_MS: '300000' });
    api = await startApi(config);
    connection = createRedisConnection(config.REDIS_URL, 'producer');
    await connectProducer(connection, config.REDIS_URL);
    store = new RenderStore(connection, config.QUEUE_PREFIX);
  });

  afterEach(() => vi.restoreAllMocks());

  afterAll(async () => {
    await api?.close();
    await connection?.quit();
    await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    await rm(out, { recursive: true, force: true });
  });

  async function enqueue(id: string, text: string): Promise<number> {
    const plan = planRender(text, SMALL_LIMITS);
    await enqueueRender(
      { connection, prefix: config.QUEUE_PREFIX, store, retry: { attempts: 1, backoffMs: 50 } },
      {
        id,
        plan,
        provider: senseAudioDefinition,
        options: resolveRenderOptions(senseAudioDefinition, AUDIO_OPTIONS),
        output: describeLocation(out),
      },
    );
    return plan.segments.length;
  }

  it('HEAD /v1/renders/:id/audio answers size and type from storage.head, never reading the object', async () => {
    await enqueue('head-me', 'A tiny book. It is done already.');
    const audio = new Uint8Array(40_000).fill(0xaa);
    const storage = new LocalStorage(out);
    await storage.put('head-me/audio.mp3', bytesBody(audio));
    await store.markCompleted('head-me', {
      location: `${storage.url}/head-me/audio.mp3`,
      manifest: `${storage.url}/head-me/manifest.json`,
      durationMs: 1000,
      bytes: audio.byteLength,
      billedCharacters: 10,
    });
    const gets = vi.spyOn(LocalStorage.prototype, 'get');
    const heads = vi.spyOn(LocalStorage.prototype, 'head');

    const head = await api.request('/v1/renders/head-me/audio', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(audio.byteLength));
    expect(head.headers.get('content-type')).toBe('audio/mpeg');
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const ranged = await api.request('/v1/renders/head-me/audio', { method: 'HEAD', headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${audio.byteLength}`);
    expect(ranged.headers.get('content-length')).toBe('100');
    expect(heads).toHaveBeenCalledTimes(2);
    expect(gets, 'HEAD must not open the object').not.toHaveBeenCalled();

    const got = await api.request('/v1/renders/head-me/audio');
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(audio);
    expect(gets).toHaveBeenCalledTimes(1);
  });

  it('SSE followers share one read per status change and take progress from the messages, coalesced', async () => {
    const id = 'many-followers';
    const total = await enqueue(id, makeSampleBook(24_000, 1));
    expect(total).toBeGreaterThan(80);
    const spec = (await store.get(id))!.spec;
    const FOLLOWERS = 10;
    const reads = vi.spyOn(RenderStore.prototype, 'get');
    const snapshots: Promise<void>[] = [];
    const streams = await Promise.all(
      Array.from({ length: FOLLOWERS }, async () => {
        const response = await api.request(`/v1/renders/${id}/events`);
        expect(response.status).toBe(200);
        let snapshotSeen = (): void => undefined;
        snapshots.push(new Promise<void>((resolve) => (snapshotSeen = resolve)));
        // Wrapped: an async function returning the promise itself would wait for the stream's end.
        return {
          read: readEventStream(response, { onEvent: (event: SseEvent) => (event.event === 'snapshot' ? snapshotSeen() : undefined) }),
        };
      }),
    );
    await Promise.all(snapshots);
    const readsBefore = reads.mock.calls.length;

    await store.markRunning(id);
    const outline = (await store.outline(id))!;
    const charsOf = (index: number): number => outline.segments[index]!.chars;
    const cached = new Set<number>();
    for (let index = 0; index < total; index++) {
      if (index % 4 === 0) cached.add(index);
      await store.markSegmentDone(id, index, index % 4 === 0, charsOf(index));
    }
    // At-least-once delivery reports a segment twice: counted once.
    await store.markSegmentDone(id, 0, true, charsOf(0));
    await store.markStitching(id);
    await store.markCompleted(id, {
      location: `${describeLocation(out)}/${id}/audio.mp3`,
      manifest: `${describeLocation(out)}/${id}/manifest.json`,
      durationMs: 1,
      bytes: 1,
      billedCharacters: spec.characters,
    });
    const results = await Promise.all(streams.map((stream) => stream.read));
    const readsDuring = reads.mock.calls.length - readsBefore;

    // Old code: one full read per follower per message (10 × ~100).
    expect(readsDuring, `${readsDuring} render reads for ${FOLLOWERS} followers × ${total + 4} messages`).toBeLessThanOrEqual(6);
    for (const { events } of results) {
      const views = events.map((event) => event.data as RenderView & { segment?: number });
      const last = views.at(-1)!;
      expect(events.at(-1)?.event).toBe('status');
      expect(last.status).toBe('completed');
      expect(last.progress).toMatchObject({
        segmentsDone: total,
        segmentsTotal: total,
        charsDone: spec.characters,
        cachedSegments: cached.size,
      });
      const progress = events.filter((event) => event.event === 'progress');
      expect(progress.length, 'bursts are coalesced').toBeLessThan(total / 2);
      for (let i = 1; i < views.length; i++)
        expect(views[i]!.progress.segmentsDone).toBeGreaterThanOrEqual(views[i - 1]!.progress.segmentsDone);
      for (const event of progress) {
        const view = event.data as RenderView & { segment?: number };
        const doneChars = view.progress.charsDone;
        expect(doneChars).toBeGreaterThan(0);
        expect(typeof view.segment).toBe('number');
      }
    }
  });
});
