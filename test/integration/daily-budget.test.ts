import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderMetrics } from '../../src/metrics/render-metrics.ts';
import { runCli } from '../support/run-cli.ts';
import { InputError } from '../../src/errors/input-error.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import type { TextLimits } from '../../src/providers/provider.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { synthesizeQueueName } from '../../src/queue/queue-names.ts';
import { bookedNow, budgetWait } from '../../src/render/daily-budget.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { countCodePoints } from '../../src/text/count-units.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';
import { killAll } from '../chaos/support/kill-all.ts';
import { openRenderDriver, type RenderDriver } from '../chaos/support/render-driver.ts';

const LIMITS: TextLimits = { targetUnits: 60, maxUnits: 200, count: countCodePoints };
const OPTIONS = resolveRenderOptions(senseAudioDefinition, { format: 'wav', sampleRate: 16000, channels: 1 });
const API_KEY = 'sim-key-budget-6d3a';
const WINDOW_MS = 4000;

/** English only: SenseAudio bills each of these characters as 1 (its rule: Han 2, pause tags 0). */
const book = (tag: string): string => Array.from({ length: 4 }, (_, i) => `Book ${tag} paragraph ${i + 1} is spoken here.`).join('\n\n');
const unitsOf = (text: string): number => planRender(text, LIMITS).segments.reduce((sum, s) => sum + s.text.length, 0);

describe('PROVIDER_DAILY_BUDGET (issue 14 item 4): a render past the budget waits for the next window', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  let simulator: SenseAudioSimulator;
  let driver: RenderDriver;
  let out: string;
  let prefix: string;
  let redis: Redis;
  const budget = unitsOf(book('A')) + 10;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 1 });
    cleanup.push(() => simulator.close());
    const config = testConfig();
    prefix = config.QUEUE_PREFIX;
    cleanup.push(() => deletePrefix(config.REDIS_URL, prefix));
    redis = new Redis(config.REDIS_URL);
    cleanup.push(() => redis.quit());
    out = await mkdtemp(join(tmpdir(), 'ttsb-budget-'));
    cleanup.push(() => rm(out, { recursive: true, force: true }));
    const env = { REDIS_URL: config.REDIS_URL, QUEUE_PREFIX: prefix, SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url };
    const workers: WorkerProcess[] = [spawnWorker(env, ['--providers', 'senseaudio'])];
    cleanup.push(() => killAll(workers));
    await Promise.all(workers.map((worker) => worker.ready));
    driver = await openRenderDriver(
      config.REDIS_URL,
      prefix,
      { attempts: 2, backoffMs: 50 },
      {
        budgets: { unitsPerWindow: { senseaudio: budget }, windowMs: WINDOW_MS },
      },
    );
    cleanup.push(() => driver.close());
  });

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('the first render fits this window; the second waits, says why, and starts by itself when the next window opens', async () => {
    const enqueue = async (tag: string): Promise<string> => {
      const id = `budget-${tag}-${randomBytes(3).toString('hex')}`;
      await driver.enqueue({ id, plan: planRender(book(tag), LIMITS), options: OPTIONS, output: describeLocation(out) });
      return id;
    };
    // Both are enqueued in one window: the clock's own boundary is what is waited for, when it is near.
    const left = WINDOW_MS - (Date.now() % WINDOW_MS);
    if (left < 1500) await new Promise((resolve) => setTimeout(resolve, left + 20));
    const first = await enqueue('A');
    const second = await enqueue('B');
    const a = await driver.store.get(first);
    const b = await driver.store.get(second);
    const windowA = Date.parse(a?.spec.budget?.windowStart ?? '');
    expect(a?.spec.budget).toMatchObject({ provider: 'senseaudio', units: unitsOf(book('A')) });
    expect(a?.spec.budget?.waitsUntil).toBeUndefined();
    // B does not fit beside A: booked in the next window, its segments delayed until it opens.
    expect(b?.spec.budget?.waitsUntil).toBe(new Date(windowA + WINDOW_MS).toISOString());
    expect(budgetWait(b?.spec.budget, Date.parse(b?.spec.createdAt ?? ''))).toMatch(
      /^waiting for senseaudio's budget \(PROVIDER_DAILY_BUDGET\): .* starts by itself at /,
    );
    const queue = new Queue(synthesizeQueueName('senseaudio'), { connection: redis, prefix });
    cleanup.push(() => queue.close());
    const delayed = await queue.getDelayed();
    expect(delayed.filter((job) => (job.data as { renderId?: string }).renderId === second)).toHaveLength(4);

    expect((await driver.ended(first, 30_000)).status).toBe('completed');
    expect((await driver.ended(second, 30_000)).status).toBe('completed');
    const requestsOf = (tag: string) => simulator.requests.filter((r) => (r.text ?? '').startsWith(`Book ${tag} `));
    expect(requestsOf('B')).toHaveLength(4);
    for (const request of requestsOf('B')) expect(request.at).toBeGreaterThanOrEqual(windowA + WINDOW_MS);
    console.log(
      `[daily-budget] budget ${budget} units per ${WINDOW_MS} ms: A billed in its window, B's first request ${Math.min(...requestsOf('B').map((r) => r.at)) - (windowA + WINDOW_MS)} ms after the next window opened`,
    );
  }, 60_000);

  it('a render larger than a whole window is refused before anything is enqueued', async () => {
    const id = `budget-big-${randomBytes(3).toString('hex')}`;
    const big = Array.from({ length: 12 }, (_, i) => `Book Z paragraph ${i + 1} is far too long for the budget.`).join('\n\n');
    const error = await driver
      .enqueue({ id, plan: planRender(big, LIMITS), options: OPTIONS, output: describeLocation(out) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('budget');
    expect((error as Error).message).toMatch(/more than senseaudio's whole budget of [\d,]+ per window/);
    expect(await driver.store.get(id)).toBeNull();
  }, 30_000);

  it('what the current window has booked shows in /metrics and `tts-batch providers`', async () => {
    const id = `budget-C-${randomBytes(3).toString('hex')}`;
    const left = WINDOW_MS - (Date.now() % WINDOW_MS);
    if (left < 1500) await new Promise((resolve) => setTimeout(resolve, left + 20));
    await driver.enqueue({ id, plan: planRender(book('C'), LIMITS), options: OPTIONS, output: describeLocation(out) });
    const booking = (await driver.store.get(id))?.spec.budget;
    expect(booking?.units).toBeGreaterThan(0);
    const budgets = [{ provider: 'senseaudio', unitsPerWindow: budget, windowMs: WINDOW_MS }];
    // Read within one window (they are 4 s long): what is booked now, as the two views show it.
    let shown: { window: number; booked: number; metrics: string; listed: string } | undefined;
    while (shown === undefined) {
      const window = Math.floor(Date.now() / WINDOW_MS);
      const booked = await bookedNow(redis, prefix, budgets[0] as (typeof budgets)[0]);
      const metrics = await renderMetrics(redis, prefix, ['senseaudio'], budgets);
      const listed = await runCli(['providers'], {
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: prefix,
        PROVIDER_DAILY_BUDGET: `senseaudio=${budget}`,
        BUDGET_WINDOW_MS: String(WINDOW_MS),
      });
      expect(listed.code, listed.stderr).toBe(0);
      if (Math.floor(Date.now() / WINDOW_MS) === window) shown = { window, booked, metrics, listed: listed.stdout };
    }
    // C is booked in this window, or (when the last one still held B) in the next.
    const inThisWindow = Date.parse(booking?.windowStart ?? '') === shown.window * WINDOW_MS;
    if (inThisWindow) expect(shown.booked).toBeGreaterThanOrEqual(booking?.units ?? NaN);
    expect(shown.metrics).toContain(`ttsb_provider_budget_units{provider="senseaudio"} ${budget}`);
    expect(shown.metrics).toContain(`ttsb_provider_budget_booked_units{provider="senseaudio"} ${shown.booked}`);
    const senseaudio = (JSON.parse(shown.listed) as { name: string; budget?: unknown }[]).find((p) => p.name === 'senseaudio');
    expect(senseaudio?.budget).toEqual({ unitsPerWindow: budget, windowMs: WINDOW_MS, bookedThisWindow: shown.booked });
    expect((await driver.ended(id, 30_000)).status).toBe('completed');
  }, 60_000);
});
