import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator, type SenseAudioSimulatorOptions } from '../simulators/senseaudio/server.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { startStitchHarness, type StitchHarness } from '../support/stitch-harness.ts';
import { pollUntil } from '../support/poll-until.ts';

const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;
/** How long a put waits for its request to reach the provider before it says it did not. */
const WAIT_MS = 2_000;

/** The simulator, a render env and a stitch harness whose storage runs `beforeSegmentPut` before each segment audio's put. */
interface SeamedRender {
  simulator: SenseAudioSimulator;
  env: RenderEnv;
  close(): Promise<void>;
}

async function startSeamedRender(
  simulatorOptions: SenseAudioSimulatorOptions & { apiKey: string },
  env: Record<string, string>,
  beforeSegmentPut: (simulator: SenseAudioSimulator, key: string) => Promise<void>,
): Promise<SeamedRender> {
  const simulator = await startSenseAudioSimulator(simulatorOptions);
  const renderEnv = await startRenderEnv(
    senseAudioDefinition,
    { SENSEAUDIO_API_KEY: simulatorOptions.apiKey, SENSEAUDIO_BASE_URL: simulator.url, ...env },
    { startWorkers: false },
  );
  const seamed = (storage: Storage): Storage =>
    Object.assign(Object.create(storage) as Storage, {
      put: async (key: string, body: AsyncIterable<Uint8Array>, options?: { contentType?: string }) => {
        if (key.startsWith('.segments/') && key.endsWith(`.${AUDIO.format}`)) await beforeSegmentPut(simulator, key);
        return storage.put(key, body, options);
      },
    });
  const harness: StitchHarness = await startStitchHarness(renderEnv.config, senseAudioDefinition.create(renderEnv.config), {
    storage: seamed,
  });
  return {
    simulator,
    env: renderEnv,
    async close() {
      await harness.close();
      await renderEnv.close();
      await simulator.close();
    },
  };
}

/**
 * Issue 14 item 6: a provider call is a lazy generator, and the segment's put opened its temp
 * file (an fs call queued behind other jobs' fsyncs in libuv's threadpool) before it pulled the
 * first byte, so the request went out only after that open. The hand-over of a provider slot
 * took 2 ms at the median and up to 90 ms at a render's start. Here every segment's put holds
 * back until the provider has seen that segment's request: a request that only goes out once
 * the put pulls never arrives in time.
 */
describe("a segment's provider request goes out before its put starts (SenseAudio simulator)", () => {
  let seamed: SeamedRender;
  let env: RenderEnv;
  const puts: { key: string; requestArrived: boolean }[] = [];

  beforeAll(async () => {
    let audioPuts = 0;
    seamed = await startSeamedRender({ apiKey: 'sim-secret-key-request-first', msPerChar: 2 }, {}, async (simulator, key) => {
      audioPuts += 1;
      const wanted = audioPuts;
      const deadline = Date.now() + WAIT_MS;
      // Polled, not slept on: the put goes on the moment its request is there.
      while (simulator.requests.length < wanted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      puts.push({ key, requestArrived: simulator.requests.length >= wanted });
    });
    env = seamed.env;
  });

  afterAll(async () => {
    await seamed?.close();
  });

  it('every request had reached the provider when its put began, and the render completes', async () => {
    const text = [
      'The light swept the sea in circles, as if it were counting something.',
      'That winter was so cold that the river froze over with a thick layer of ice.',
      'The bell rang seven times, and the courtyard fell silent at once.',
    ].join('\n\n');
    const planned = env.plan(text, AUDIO);
    await env.enqueue('request-first', planned.plan, planned.options);
    await env.finish('request-first', 60_000);
    expect(puts.length).toBe(planned.plan.segments.length);
    expect(puts.filter((put) => !put.requestArrived)).toEqual([]);
  });
});

/**
 * The other side of starting the call early (review of the change): a put that fails before it
 * pulls a byte (temp disk full, a folder it may not write) must not leave its provider call
 * running to be billed and to hold the slot. It is cut: the provider sees the client close
 * long before its latency is up.
 */
describe('a segment whose put fails at once cuts its provider call (SenseAudio simulator, 5 s latency)', () => {
  const LATENCY_MS = 5_000;
  let seamed: SeamedRender;
  let env: RenderEnv;
  let simulator: SenseAudioSimulator;

  beforeAll(async () => {
    seamed = await startSeamedRender(
      { apiKey: 'sim-secret-key-put-fails', msPerChar: 2, latencyMs: LATENCY_MS },
      { RETRY_ATTEMPTS: '1' },
      () => Promise.reject(new Error('ENOSPC: no space left on device')),
    );
    ({ env, simulator } = seamed);
  });

  afterAll(async () => {
    await seamed?.close();
  });

  it('the segment fails on its put at once, its call cut: no answer waited for, none completed', async () => {
    const planned = env.plan('The bell rang seven times, and the courtyard fell silent at once.', AUDIO);
    const started = Date.now();
    await env.enqueue('put-fails', planned.plan, planned.options);
    const state = await pollUntil(
      'the render failed',
      () => env.store.get('put-fails'),
      (value) => value?.status === 'failed',
      LATENCY_MS * 3,
      10,
    );
    expect(state?.error).toMatch(/ENOSPC/);
    // Waiting for the answer before failing would take the provider's 5 s.
    expect(Date.now() - started, 'cut, not waited for').toBeLessThan(LATENCY_MS / 2);
    expect(simulator.requests.filter((request) => request.outcome === 'completed')).toEqual([]);
  });
});
