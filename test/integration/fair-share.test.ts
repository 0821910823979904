import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import type { TextLimits } from '../../src/providers/provider.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import type { RenderPriority } from '../../src/render/render-priority.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { countCodePoints } from '../../src/text/count-units.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';
import { killAll } from '../chaos/support/kill-all.ts';
import { openRenderDriver, type RenderDriver } from '../chaos/support/render-driver.ts';

const LIMITS: TextLimits = { targetUnits: 40, maxUnits: 200, count: countCodePoints };
const OPTIONS = resolveRenderOptions(senseAudioDefinition, { format: 'wav', sampleRate: 16000, channels: 1 });
const API_KEY = 'sim-key-fair-8e1b';

/** A book of `segments` one-sentence paragraphs, each naming its book (`tag`) so the simulator's record tells whose request it was. */
function book(tag: string, segments: number): string {
  return Array.from({ length: segments }, (_, i) => `Book ${tag} line ${i + 1} is spoken here.`).join('\n\n');
}

describe('renders share a provider fairly (issue 14 item 1): BullMQ priorities from the queue frontier', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  let simulator: SenseAudioSimulator;
  let driver: RenderDriver;
  let out: string;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 1, latencyMs: 60 });
    cleanup.push(() => simulator.close());
    const config = testConfig();
    cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    out = await mkdtemp(join(tmpdir(), 'ttsb-fair-'));
    cleanup.push(() => rm(out, { recursive: true, force: true }));
    const env = {
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '4',
    };
    const workers: WorkerProcess[] = [spawnWorker(env, ['--providers', 'senseaudio'])];
    cleanup.push(() => killAll(workers));
    await Promise.all(workers.map((worker) => worker.ready));
    driver = await openRenderDriver(config.REDIS_URL, config.QUEUE_PREFIX, { attempts: 2, backoffMs: 50 });
    cleanup.push(() => driver.close());
  });

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  const enqueue = async (tag: string, segments: number, priority?: RenderPriority): Promise<string> => {
    const id = `fair-${tag}-${randomBytes(3).toString('hex')}`;
    const plan = planRender(book(tag, segments), LIMITS);
    expect(plan.segments).toHaveLength(segments);
    await driver.enqueue({ id, plan, options: OPTIONS, output: describeLocation(out), ...(priority === undefined ? {} : { priority }) });
    return id;
  };
  /** Request numbers (arrival order at the provider) of one book's segments, from the first request number `from`. */
  const arrivals = (tag: string, from: number): number[] =>
    simulator.requests.filter((r) => r.number >= from && (r.text ?? '').startsWith(`Book ${tag} `)).map((r) => r.number);
  const finish = async (...ids: string[]): Promise<void> => {
    for (const id of ids) expect((await driver.ended(id, 120_000)).status).toBe('completed');
  };

  it('a 5-segment render enqueued behind an 80-segment book starts next, not after the book', async () => {
    const from = simulator.requests.length + 1;
    const big = await enqueue('A', 80);
    await simulator.whenRequest(from + 11);
    const small = await enqueue('B', 5);
    const enqueuedAt = simulator.requests.length;
    await finish(big, small);
    const smallArrivals = arrivals('B', from);
    expect(smallArrivals).toHaveLength(5);
    // Its requests come within the next few the provider sees (the 4 in flight, then its own), not after the book's ~65 left.
    console.log(`[fair-share] small render enqueued after request ${enqueuedAt}: its requests were ${smallArrivals.join(', ')}`);
    expect(Math.max(...smallArrivals) - enqueuedAt).toBeLessThanOrEqual(12);
  }, 120_000);

  it('two equal books enqueued together finish together; a high-priority one advances twice as fast', async () => {
    const from = simulator.requests.length + 1;
    const a = await enqueue('C', 40);
    const b = await enqueue('D', 40);
    await finish(a, b);
    const lastC = Math.max(...arrivals('C', from));
    const lastD = Math.max(...arrivals('D', from));
    console.log(`[fair-share] equal books: last requests ${lastC - from + 1} and ${lastD - from + 1} of 80`);
    expect(Math.abs(lastC - lastD)).toBeLessThanOrEqual(8);

    const next = simulator.requests.length + 1;
    const normal = await enqueue('E', 40);
    const high = await enqueue('F', 40, 'high');
    await finish(normal, high);
    const lastE = Math.max(...arrivals('E', next)) - next + 1;
    const lastF = Math.max(...arrivals('F', next)) - next + 1;
    console.log(`[fair-share] normal vs high: last requests ${lastE} and ${lastF} of 80`);
    // High takes two slots for normal's one while both run: it is done by about the 60th request.
    expect(lastF).toBeLessThanOrEqual(66);
    expect(lastE).toBeGreaterThan(75);
  }, 120_000);
});
