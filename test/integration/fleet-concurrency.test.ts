import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import type { TextLimits } from '../../src/providers/provider.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { countCodePoints } from '../../src/text/count-units.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';
import { killAll } from '../chaos/support/kill-all.ts';
import { openRenderDriver } from '../chaos/support/render-driver.ts';

const LIMITS: TextLimits = { targetUnits: 60, maxUnits: 200, count: countCodePoints };
const OPTIONS = resolveRenderOptions(senseAudioDefinition, { format: 'wav', sampleRate: 16000, channels: 1 });
const API_KEY = 'sim-key-fleet-4c2d';

/** Three worker processes × WORKER_CONCURRENCY 8 render one book against the simulator; the most requests it saw at once. */
async function renderWithFleet(
  simulator: SenseAudioSimulator,
  extraEnv: Record<string, string>,
  cleanup: (() => Promise<unknown>)[],
): Promise<number> {
  const config = testConfig();
  cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
  const out = await mkdtemp(join(tmpdir(), 'ttsb-fleet-'));
  cleanup.push(() => rm(out, { recursive: true, force: true }));
  const env = {
    REDIS_URL: config.REDIS_URL,
    QUEUE_PREFIX: config.QUEUE_PREFIX,
    SENSEAUDIO_API_KEY: API_KEY,
    SENSEAUDIO_BASE_URL: simulator.url,
    WORKER_CONCURRENCY: '8',
    ...extraEnv,
  };
  const workers: WorkerProcess[] = [0, 1, 2].map(() => spawnWorker(env, ['--providers', 'senseaudio']));
  cleanup.push(() => killAll(workers));
  await Promise.all(workers.map((worker) => worker.ready));
  const driver = await openRenderDriver(config.REDIS_URL, config.QUEUE_PREFIX, { attempts: 2, backoffMs: 50 });
  cleanup.push(() => driver.close());
  const plan = planRender(makeSampleBook(4000, 3), LIMITS);
  expect(plan.segments.length).toBeGreaterThan(40);
  const id = `fleet-${randomBytes(4).toString('hex')}`;
  await driver.enqueue({ id, plan, options: OPTIONS, output: describeLocation(out) });
  const ended = await driver.ended(id, 120_000);
  expect(ended.status, ended.error).toBe('completed');
  return simulator.maxInFlight();
}

describe('PROVIDER_MAX_CONCURRENCY caps a provider across every worker (issue 14 item 2)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('three workers × concurrency 8 against a limit of 6: never more than 6 requests at once, and the render completes', async () => {
    const capped = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 1, latencyMs: 150 });
    cleanup.push(() => capped.close());
    const most = await renderWithFleet(capped, { PROVIDER_MAX_CONCURRENCY: 'senseaudio=6' }, cleanup);
    console.log(`[fleet-concurrency] capped at 6: at most ${most} requests in flight`);
    expect(most).toBeLessThanOrEqual(6);
    expect(most, 'the cap is used, not undershot').toBeGreaterThanOrEqual(5);

    // The same fleet without the cap: each process runs its own 8.
    const free = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 1, latencyMs: 150 });
    cleanup.push(() => free.close());
    const uncapped = await renderWithFleet(free, {}, cleanup);
    console.log(`[fleet-concurrency] no cap: at most ${uncapped} requests in flight`);
    expect(uncapped).toBeGreaterThan(6);
  }, 240_000);
});
