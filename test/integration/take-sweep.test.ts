import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { cancelRender } from '../../src/producer/cancel-render.ts';
import { createRedisConnection } from '../../src/queue/redis-connection.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { pollUntil } from '../support/poll-until.ts';
import { qaBook } from '../support/qa-book.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';

const AUDIO = { format: 'mp3', sampleRate: 16000, channels: 1, bitrate: 32000 } as const;

/**
 * A failed take waits under `.takes/` while its segment is retaken, and is removed once the
 * segment settles (take-qa.test.ts). These are the two ways a segment job ends without settling:
 * its render cancelled while a retake is bought, and a retake failing for good. Neither may leave
 * the failed takes behind: nothing reads them again, and they fill the output's disk.
 */
describe('failed takes are removed when their segment never settles (SenseAudio simulator)', () => {
  const API_KEY = 'sim-key-take-sweep-5e1a';
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;
  let connection: Redis;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 6, tone: 'sentences' });
    env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '4',
      RETRY_BACKOFF_MS: '20',
    });
    connection = createRedisConnection(env.config.REDIS_URL, 'producer');
  });

  afterAll(async () => {
    simulator?.setFaults(undefined);
    simulator?.setTakeFaults(undefined);
    connection?.disconnect();
    await env?.close();
    await simulator?.close();
  });

  /** Files under the output's `.takes/` folder, at any depth. */
  async function storedTakes(): Promise<string[]> {
    const entries = await readdir(join(env.out, '.takes'), { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  }

  /** Plans a four-segment book whose segment 2 always comes back truncated (a bad take). */
  function bookWithHopelessSegment(tag: string): { plan: ReturnType<RenderEnv['plan']>; text: string } {
    const planned = env.plan(qaBook(4, tag, 5), AUDIO);
    const text = toSpeechText(planned.plan.segments[2]?.text ?? '');
    simulator.setTakeFaults(({ text: asked }) => (asked === text ? { variant: 'truncated', fraction: 0.4 } : undefined));
    return { plan: planned, text };
  }

  /** Request numbers the simulator gave the segment's takes so far. */
  const takesAsked = (text: string): number => simulator.requests.filter((request) => request.text === text).length;

  it('a render cancelled while a retake is being bought leaves none of its failed takes', async () => {
    const { plan, text } = bookWithHopelessSegment('sweep-cancel');
    // The second take of the hopeless segment hangs until the cancel cuts it.
    let asked = 0;
    simulator.setFaults((_number, body) => {
      if ((body as { text?: string } | undefined)?.text !== text) return undefined;
      asked += 1;
      return asked >= 2 ? { kind: 'slowFirstByte', delayMs: 60_000 } : undefined;
    });
    await env.enqueue('sweep-cancel', plan.plan, plan.options, { qa: { mode: 'on', maxTakes: 3 } });
    await pollUntil(
      'take 1 stored under .takes/ and take 2 asked for',
      async () => ({ stored: await storedTakes(), asked: takesAsked(text) }),
      (now) => now.stored.length === 1 && now.asked === 2,
      60_000,
    );
    expect(await cancelRender({ connection, prefix: env.config.QUEUE_PREFIX, store: env.store }, 'sweep-cancel')).toBe('cancelled');
    await pollUntil('the failed take removed', storedTakes, (stored) => stored.length === 0, 15_000);
    simulator.setFaults(undefined);
  });

  it('a retake that fails for good (a refused text) leaves none of the failed takes either', async () => {
    const planned = env.plan(qaBook(4, 'sweep-fail', 5), AUDIO);
    const text = toSpeechText(planned.plan.segments[2]?.text ?? '');
    // A silent first take fails its checks whatever was learned before; the second is refused
    // with code 1026 (the text flagged), which no retry can help.
    simulator.setTakeFaults(({ text: asked }) => (asked === text ? { variant: 'silent' } : undefined));
    let asked = 0;
    simulator.setFaults((_number, body) => {
      if ((body as { text?: string } | undefined)?.text !== text) return undefined;
      asked += 1;
      return asked >= 2 ? { kind: 'business', code: 1026, message: 'input flagged as sensitive' } : undefined;
    });
    await env.enqueue('sweep-fail', planned.plan, planned.options, { qa: { mode: 'on', maxTakes: 3 } });
    const failed = await pollUntil(
      'the render fails',
      () => env.store.get('sweep-fail'),
      (state) => state?.status === 'failed',
      60_000,
    );
    expect(failed?.error).toMatch(/segment 2/);
    expect(takesAsked(text)).toBe(2);
    await pollUntil('the failed take removed', storedTakes, (stored) => stored.length === 0, 15_000);
    simulator.setFaults(undefined);
  });
});
