import { renderAudioPath } from '../support/render-output.ts';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { providerLimits } from '../../src/providers/provider-limits.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { testConfig } from '../support/test-config.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';
import { billedCharacters, duplicateCharacters, neededCharacters, overhead } from './support/billing.ts';
import { startCli } from './support/cli-process.ts';
import { reportFigure } from './support/figures.ts';
import { startPrivateRedis } from './support/private-redis.ts';
import { renderUndisturbed } from './support/reference-render.ts';
import { killAll } from './support/kill-all.ts';

const MS_PER_CHAR = 1;
/** How long Redis stays down; far below WORKER_LOCK_MS (30 s), so no lock expires meanwhile. */
const REDIS_DOWN_MS = Number(process.env.CHAOS_REDIS_DOWN_MS ?? 3000);
const RENDER_ID = 'redis-restart';
// The raw join of mp3 segments, so the render is frame for frame comparable with the reference.
const AUDIO_FLAGS = ['--profile', 'raw', '--format', 'mp3', '--sample-rate', '24000', '--channels', '1', '--bitrate', '64000'];
// The reference is the plan's segments joined as they are: the CLI's structure pauses (issue 11)
// would add silent frames the undisturbed render has not, so they are set to 0 here.
const NO_PAUSES = ['--pauses', 'paragraph=0,heading=0,chapter=0,head=0,tail=0'];

describe('chaos: Redis (AOF, fsync always) shut down and restarted mid-render', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('workers and the producer reconnect by themselves and the render completes, frame for frame', async () => {
    const book = makeSampleBook(60_000, 5);
    // Planned the way the CLI plans it.
    const plan = planRender(book, providerLimits(senseAudioDefinition, testConfig()));
    const options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    const reference = await renderUndisturbed(plan, options, { msPerChar: MS_PER_CHAR });

    const redis = await startPrivateRedis();
    cleanup.push(() => redis.close());
    const apiKey = `sk-chaos-${randomBytes(12).toString('hex')}`;
    // ~1.5 s per segment (12 events 120 ms apart): the restart lands in the middle of the render.
    const simulator = await startSenseAudioSimulator({ apiKey, msPerChar: MS_PER_CHAR, chunkHexChars: 4096, eventIntervalMs: 120 });
    cleanup.push(() => simulator.close());
    const dir = await mkdtemp(join(tmpdir(), 'ttsb-chaos-redis-out-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const bookPath = join(dir, 'book.txt');
    await writeFile(bookPath, book);
    const env = {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'chaos',
      SENSEAUDIO_API_KEY: apiKey,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '2',
      RETRY_BACKOFF_MS: '200',
    };

    const workers: WorkerProcess[] = [spawnWorker(env, ['--providers', 'senseaudio']), spawnWorker(env, ['--providers', 'senseaudio'])];
    cleanup.push(() => killAll(workers));
    await Promise.all(workers.map((worker) => worker.ready));

    const started = Date.now();
    const producer = startCli(
      [
        'render',
        bookPath,
        '--provider',
        'senseaudio',
        ...AUDIO_FLAGS,
        ...NO_PAUSES,
        '--out',
        join(dir, 'out'),
        '--id',
        RENDER_ID,
        '--wait',
      ],
      env,
    );
    cleanup.push(() => Promise.resolve(producer.child.kill('SIGKILL')));
    const strike = Math.max(3, Math.floor(plan.segments.length / 3));
    await simulator.whenRequest(strike);
    const requestsBefore = simulator.requests.length;
    const downAt = Date.now();
    await redis.shutdown();
    await delay(REDIS_DOWN_MS); // the outage itself: how long Redis stays away
    await redis.start();
    const downMs = Date.now() - downAt;

    const result = await producer.exitWithin(180_000);
    const elapsedS = (Date.now() - started) / 1000;
    expect(result.code, `the producer (render --wait) must ride out the restart; stderr:\n${result.stderr}`).toBe(0);
    expect(result.stdout.trim().split('\n')[0]).toBe(RENDER_ID);
    for (const worker of workers) expect(worker.child.exitCode, `a worker died:\n${worker.stderr().slice(-3000)}`).toBeNull();
    expect(simulator.requests.length, 'segments must still be spoken after the restart').toBeGreaterThan(requestsBefore);

    const digest = await mp3FrameDigest([await renderAudioPath(join(dir, 'out'), RENDER_ID)]);
    expect(digest, 'stitched frames must equal the undisturbed render').toEqual(reference.digest);
    const billed = billedCharacters(simulator.requests);
    const texts = plan.segments.map((segment) => toSpeechText(segment.text));
    const needed = neededCharacters(texts);
    // Nothing was killed: a restart of Redis alone must not make anyone speak a segment twice.
    expect(billed, 'a Redis restart made segments be paid twice').toBeLessThanOrEqual(needed + duplicateCharacters(texts));

    reportFigure(
      'redis restart',
      `${plan.segments.length} segments, Redis down ${(downMs / 1000).toFixed(1)} s after request ${strike}, render done in ${elapsedS.toFixed(0)} s; ` +
        `producer (render --wait) exit 0, 2 workers alive; frames identical (${digest.frames}); billed ${billed} chars vs ${needed} needed (${overhead(billed, needed)})`,
    );
  }, 300_000);

  it('render --wait, when Redis never comes back, stops following after a minute: exit 1 and one line, no hang', async () => {
    const redis = await startPrivateRedis();
    cleanup.push(() => redis.close());
    const dir = await mkdtemp(join(tmpdir(), 'ttsb-chaos-redis-gone-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const bookPath = join(dir, 'book.txt');
    await writeFile(bookPath, 'Chapter 1\n\nNobody will ever speak this.\n');
    // No worker: the render stays queued while the producer follows it.
    const producer = startCli(['render', bookPath, '--provider', 'senseaudio', '--out', join(dir, 'out'), '--id', 'orphan', '--wait'], {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'chaos',
      SENSEAUDIO_API_KEY: 'unused',
    });
    cleanup.push(() => Promise.resolve(producer.child.kill('SIGKILL')));
    await new Promise<void>((resolve) =>
      producer.child.stderr?.on('data', () => producer.stderr().includes('enqueued orphan') && resolve()),
    );
    const goneAt = Date.now();
    await redis.shutdown();

    const result = await producer.exitWithin(90_000);
    const gaveUpS = (Date.now() - goneAt) / 1000;
    expect(result.code, result.stderr).toBe(1);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('tts-batch:'));
    expect(errors, result.stderr).toEqual([
      expect.stringMatching(/^tts-batch: lost Redis for 60 s while following render orphan; the render itself goes on/),
    ]);
    reportFigure('redis gone', `render --wait gave up ${gaveUpS.toFixed(1)} s after Redis went away for good, exit 1, one line`);
  }, 120_000);
});
