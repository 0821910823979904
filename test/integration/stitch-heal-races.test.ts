import { Job, Queue } from 'bullmq';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { segmentJobOptions } from '../../src/queue/job-options.ts';
import { STITCH_QUEUE, synthesizeQueueName } from '../../src/queue/queue-names.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { healJobId } from '../../src/worker/segment-results.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { childProcesses } from '../support/child-processes.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { startStitchHarness, type StitchHarness } from '../support/stitch-harness.ts';

function book(tag: string): string {
  return [
    `The light (${tag}) swept the sea in circles, as if it were counting something.`,
    `That winter (${tag}) was so cold that the river froze over with a thick layer of ice.`,
    `The bell (${tag}) rang seven times, and the courtyard fell silent at once.`,
  ].join('\n\n');
}

const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;
const RETRY_ATTEMPTS = 3;

/**
 * Review of issue #8 item 6 (defects 5, 6, 9): the stitch's self-heal meets the races a real
 * deployment has, placed deterministically through the harness's seams (no timing luck):
 * a heal job that is already finished when the stitch would wait for it, and a segment
 * deleted between the stitch's size check and its read.
 */
describe('the stitch heals through its races (SenseAudio simulator)', () => {
  const API_KEY = 'sim-secret-key-heal-races';
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;
  let harness: StitchHarness;
  /** Set by a test: the next stitch read of this key finds it deleted (another render's heal, a prune). */
  let deleteOnRead: string | undefined;
  /** Set by a test: a heal job is run to its end before the stitch may wait for it. */
  let finishHealFirst = false;

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 2 });
    env = await startRenderEnv(
      senseAudioDefinition,
      { SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url, RETRY_ATTEMPTS: String(RETRY_ATTEMPTS) },
      { startWorkers: false },
    );
    const deletingStorage = (storage: Storage): Storage =>
      Object.assign(Object.create(storage) as Storage, {
        get: (key: string, range?: { start: number; end?: number }) => {
          if (key !== deleteOnRead) return storage.get(key, range);
          deleteOnRead = undefined;
          return (async function* () {
            await rm(join(env.out, key));
            yield* storage.get(key, range);
          })();
        },
      });
    harness = await startStitchHarness(env.config, senseAudioDefinition.create(env.config), {
      storage: deletingStorage,
      afterHealAdded: async (jobId) => {
        if (finishHealFirst) await harness.waitForSegmentJob(jobId);
      },
    });
  });

  afterAll(async () => {
    await harness?.close();
    await env?.close();
    await simulator?.close();
  });

  async function renderOnce(id: string): Promise<{ plan: ReturnType<RenderEnv['plan']>; digest: string; keys: string[] }> {
    const planned = env.plan(book(id), AUDIO);
    await env.enqueue(id, planned.plan, planned.options);
    await env.finish(id, 60_000);
    const outline = await env.store.outline(id);
    return {
      plan: planned,
      digest: (await mp3FrameDigest([join(env.out, id, 'audio.mp3')])).sha256,
      keys: outline?.segments.map((s) => s.key) ?? [],
    };
  }

  async function stitchJob(id: string): Promise<Job> {
    const queue = new Queue(STITCH_QUEUE, { connection: { url: env.config.REDIS_URL }, prefix: env.config.QUEUE_PREFIX });
    try {
      const job = await Job.fromId(queue, id);
      if (!job) throw new Error(`no stitch job ${id}`);
      return job;
    } finally {
      await queue.close();
    }
  }

  it('a heal job that finished before the stitch could wait for it spends no stitch attempt (defect 5), and keeps the configured retry policy (defect 9)', async () => {
    const { plan, digest, keys } = await renderOnce('early');
    // Same size (so the cache check passes it): only the stitch finds the zeroed frames.
    const damaged = await open(join(env.out, keys[1] ?? ''), 'r+');
    try {
      const { size } = await damaged.stat();
      await damaged.write(new Uint8Array(size - Math.floor(size / 2)), 0, undefined, Math.floor(size / 2));
    } finally {
      await damaged.close();
    }

    finishHealFirst = true;
    const before = simulator.requests.length;
    try {
      await env.enqueue('early-healed', plan.plan, plan.options);
      const healed = await env.finish('early-healed', 60_000);
      expect(healed.segments.map((s) => s.cached)).toEqual([true, false, true]);
    } finally {
      finishHealFirst = false;
    }
    expect(
      simulator.requests.slice(before).map((r) => r.text),
      'one request: the damaged segment',
    ).toEqual([toSpeechText(plan.plan.segments[1]?.text ?? '')]);
    expect((await mp3FrameDigest([join(env.out, 'early-healed', 'audio.mp3')])).sha256).toBe(digest);

    const stitch = await stitchJob('early-healed');
    expect(stitch.attemptsMade, 'the stitch completed on its first attempt').toBe(1);
    expect(stitch.stacktrace, 'no attempt failed').toEqual([]);
    expect((await env.store.get('early-healed'))?.status).toBe('completed');

    const queue = new Queue(synthesizeQueueName('senseaudio'), {
      connection: { url: env.config.REDIS_URL },
      prefix: env.config.QUEUE_PREFIX,
    });
    try {
      const heal = await Job.fromId(queue, healJobId('early-healed', 1, 1));
      const configured = segmentJobOptions('x', { attempts: RETRY_ATTEMPTS, backoffMs: env.config.RETRY_BACKOFF_MS });
      expect(heal?.opts.attempts).toBe(RETRY_ATTEMPTS);
      expect(heal?.opts.backoff).toEqual(configured.backoff);
      expect(heal?.opts.removeOnComplete, 'kept as long as the stitch job').toEqual({ age: 7 * 24 * 3600 });
    } finally {
      await queue.close();
    }
  });

  it('a segment deleted between the size check and the read is healed, not a render failed for good (defect 6)', async () => {
    const { plan, digest, keys } = await renderOnce('vanish');
    deleteOnRead = keys[1];
    const before = simulator.requests.length;
    await env.enqueue('vanish-healed', plan.plan, plan.options);
    const healed = await env.finish('vanish-healed', 60_000);
    expect(deleteOnRead, 'the key was deleted mid-stitch').toBeUndefined();
    expect(
      simulator.requests.slice(before).map((r) => r.text),
      'one request: the vanished segment',
    ).toEqual([toSpeechText(plan.plan.segments[1]?.text ?? '')]);
    expect(healed.segments.map((s) => s.cached)).toEqual([true, false, true]);
    expect((await mp3FrameDigest([join(env.out, 'vanish-healed', 'audio.mp3')])).sha256).toBe(digest);
  });

  it('a raw pcm book, measured as it is written: a segment vanishing mid-join is healed, and every ffmpeg the stitch started has ended', async () => {
    const pcm = { format: 'pcm', sampleRate: 16000, channels: 1 } as const;
    const planned = env.plan(book('pcm'), pcm);
    await env.enqueue('pcm', planned.plan, planned.options);
    await env.finish('pcm', 60_000);
    const first = await readFile(join(env.out, 'pcm', 'audio.pcm'));
    const keys = (await env.store.outline('pcm'))?.segments.map((s) => s.key) ?? [];
    deleteOnRead = keys[1];
    await env.enqueue('pcm-healed', planned.plan, planned.options);
    const healed = await env.finish('pcm-healed', 60_000);
    expect(deleteOnRead, 'the key was deleted mid-stitch').toBeUndefined();
    expect(healed.segments.map((s) => s.cached)).toEqual([true, false, true]);
    expect(await readFile(join(env.out, 'pcm-healed', 'audio.pcm'))).toEqual(first);
    // The first stitch's measurement (started before the size checks, its join cut by the vanished
    // segment) and the second's were both reaped.
    expect(await childProcesses()).toEqual([]);
  });
});
