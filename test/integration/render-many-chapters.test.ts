import { Redis } from 'ioredis';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { progressOf } from '../../src/render/render-status.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { ffprobeChapters, requireFfmpeg } from '../support/ffmpeg.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';

const CHAPTERS = 1000;
/** One short sentence per chapter, so each chapter is two segments (its heading, its line): a web novel in miniature. */
const BOOK = Array.from({ length: CHAPTERS }, (_, index) => `# Chapter ${index + 1}\nLine ${index + 1}.`).join('\n');

/**
 * A 1,000-chapter MP3 book end to end (real Redis, SenseAudio simulator over HTTP, real ffprobe):
 * past the 255 entries one ID3 table of contents holds, so it needs nested tables. The render
 * record that every status read, list and SSE event parses must not grow with the book.
 */
describe('a 1,000-chapter MP3 book', () => {
  const API_KEY = 'sim-secret-key-chapters';
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;
  let redis: Redis;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 0 });
    env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '16',
    });
    redis = new Redis(env.config.REDIS_URL);
  });

  afterAll(async () => {
    redis?.disconnect();
    await env?.close();
    await simulator?.close();
  });

  it('renders with every chapter that ffprobe -show_chapters reads, and a record that stays small', async () => {
    const { plan, options } = env.plan(BOOK, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    expect(plan.chapters).toHaveLength(CHAPTERS);
    // A heading line is a segment of its own (issue 11 item 1).
    expect(plan.segments).toHaveLength(2 * CHAPTERS);
    await env.enqueue('web-novel', plan, options);

    // The hot record holds no per-segment or per-chapter list: its size does not depend on the book.
    const recordKey = `${env.config.QUEUE_PREFIX}:renders:web-novel`;
    const specBytes = await redis.hstrlen(recordKey, 'spec');
    expect(specBytes, 'bytes of the spec every status read parses').toBeLessThan(1024);

    const manifest = await env.finish('web-novel', 120_000);
    expect(manifest.chapters).toHaveLength(CHAPTERS);
    expect(manifest.segments).toHaveLength(2 * CHAPTERS);
    expect(simulator.requests.filter((r) => r.outcome === 'completed')).toHaveLength(2 * CHAPTERS);

    const chapters = await ffprobeChapters(join(env.out, 'web-novel', 'audio.mp3'));
    expect(chapters).toHaveLength(CHAPTERS);
    expect(chapters.map((c) => c.title)).toEqual(plan.chapters.map((c) => c.title));
    chapters.forEach((chapter, index) => {
      expect(
        Math.abs(chapter.startSeconds * 1000 - (manifest.chapters[index]?.startMs ?? Number.NaN)),
        `chapter ${index} start`,
      ).toBeLessThanOrEqual(1);
    });

    const state = await env.store.get('web-novel');
    expect(state?.status).toBe('completed');
    const progress = progressOf(state!);
    expect(progress).toMatchObject({
      segmentsDone: 2 * CHAPTERS,
      segmentsTotal: 2 * CHAPTERS,
      charsDone: plan.characters,
      charsTotal: plan.characters,
    });
  }, 180_000);
});
