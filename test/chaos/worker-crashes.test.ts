import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countCodePoints } from '../../src/text/count-units.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { toSpeechText } from '../../src/text/speech-text.ts';
import type { TextLimits } from '../../src/providers/provider.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { startSenseAudioSimulator, type RecordedRequest } from '../simulators/senseaudio/server.ts';
import { mp3FrameDigest } from '../support/frame-digest.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';
import { billedCharacters, duplicateCharacters, neededCharacters, overhead, usageOf } from './support/billing.ts';
import { pauseUnlessEnded, settledFlag } from './support/chaos-clock.ts';
import { reportFigure } from './support/figures.ts';
import { renderUndisturbed } from './support/reference-render.ts';
import { openRenderDriver } from './support/render-driver.ts';
import { killAll } from './support/kill-all.ts';

/** Small segments, so a 45,000-character book makes ~300 of them (SenseAudio's own target is 3,000). */
const LIMITS: TextLimits = { targetUnits: 200, maxUnits: 400, count: countCodePoints };
const MS_PER_CHAR = 1;
const WORKERS = 4;
const RENDER_ID = 'crash-storm';

interface Kill {
  /** How many requests the simulator had recorded at the kill. */
  recorded: number;
  /** Requests streaming at the kill (no outcome yet), on any worker. */
  streaming: RecordedRequest[];
  /** Requests answered whose audio was not yet committed (no segment with that text counted done). */
  uncommitted: RecordedRequest[];
}

describe('chaos: worker processes SIGKILLed every 1–3 s until the render completes', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('loses nothing: the stitched audio equals an undisturbed render, frame for frame, and only work in flight is paid twice', async () => {
    const book = makeSampleBook(45_000, 12);
    const plan = planRender(book, LIMITS);
    const options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    const texts = plan.segments.map((segment) => toSpeechText(segment.text));
    expect(plan.segments.length, 'the book should give ~300 segments').toBeGreaterThanOrEqual(280);
    const reference = await renderUndisturbed(plan, options, { msPerChar: MS_PER_CHAR });

    const apiKey = `sk-chaos-${randomBytes(12).toString('hex')}`;
    // Slow streams (events 60 ms apart): a kill lands mid-segment, not between segments.
    const simulator = await startSenseAudioSimulator({ apiKey, msPerChar: MS_PER_CHAR, chunkHexChars: 512, eventIntervalMs: 60 });
    cleanup.push(() => simulator.close());
    const config = testConfig();
    cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
    const out = await mkdtemp(join(tmpdir(), 'ttsb-chaos-crash-'));
    cleanup.push(() => rm(out, { recursive: true, force: true }));
    const workerEnv = {
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      SENSEAUDIO_API_KEY: apiKey,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '2',
      // A dead worker's jobs move on after 5 s; live workers renew every 2.5 s, well inside it.
      WORKER_LOCK_MS: '5000',
      WORKER_STALLED_CHECK_MS: '1000',
      RETRY_BACKOFF_MS: '200',
    };
    const spawned: WorkerProcess[] = [];
    cleanup.push(() => killAll(spawned));
    const startWorker = (): WorkerProcess => {
      const worker = spawnWorker(workerEnv, ['--providers', 'senseaudio']);
      spawned.push(worker);
      return worker;
    };
    const live = Array.from({ length: WORKERS }, startWorker);
    await Promise.all(live.map((worker) => worker.ready));

    const driver = await openRenderDriver(config.REDIS_URL, config.QUEUE_PREFIX, { attempts: 8, backoffMs: 200 });
    cleanup.push(() => driver.close());
    const started = Date.now();
    await driver.enqueue({ id: RENDER_ID, plan, options, output: describeLocation(out) });
    const ended = driver.ended(RENDER_ID, 600_000);
    const over = settledFlag(ended);

    const random = seededRandom(2024);
    const kills: Kill[] = [];
    while (!over.done) {
      await pauseUnlessEnded(1000 + random() * 2000, ended);
      if (over.done) break;
      const victim = Math.floor(random() * live.length);
      const worker = live[victim];
      if (worker === undefined) throw new Error(`no worker at ${victim}`);
      const done = await driver.doneSegments(RENDER_ID);
      const committed = (text: string | undefined): boolean => texts.some((t, index) => t === text && done.has(index));
      const snapshot = simulator.requests.filter((request) => request.usageCharacters !== undefined);
      kills.push({
        recorded: simulator.requests.length,
        streaming: snapshot.filter((request) => request.outcome === undefined),
        uncommitted: snapshot.filter((request) => request.outcome === 'completed' && !committed(request.text)),
      });
      worker.child.kill('SIGKILL');
      await worker.exited;
      live[victim] = startWorker();
    }
    const state = await ended;
    const elapsedS = (Date.now() - started) / 1000;

    expect(state.status, `render ended ${state.status}: ${state.error ?? ''}`).toBe('completed');
    expect(kills.length, 'the render ended before the chaos had a chance: slow the streams down').toBeGreaterThanOrEqual(5);
    const manifest = JSON.parse(await readFile(join(out, RENDER_ID, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.segments.map((segment) => segment.index)).toEqual(plan.segments.map((segment) => segment.index));
    const digest = await mp3FrameDigest([join(out, RENDER_ID, 'audio.mp3')]);
    expect(digest, 'stitched frames must equal the undisturbed render').toEqual(reference.digest);

    const billed = billedCharacters(simulator.requests);
    const needed = neededCharacters(texts);
    const charsOf = (requests: readonly RecordedRequest[]): number => requests.reduce((sum, request) => sum + usageOf(request.text), 0);
    // A request the victim sent just before it died may reach the simulator just after the
    // snapshot: it shows up as abandoned (client-closed) before the next kill. Only kills abandon
    // streams, so those count as in flight at the kill before them; none may come before the first.
    const abandoned = simulator.requests.filter((request) => request.outcome === 'client-closed');
    const late = kills.map((kill, k) =>
      abandoned.filter((r) => r.number > kill.recorded && r.number <= (kills[k + 1]?.recorded ?? Number.POSITIVE_INFINITY)),
    );
    expect(
      abandoned.filter((r) => r.number <= (kills[0]?.recorded ?? 0) && !kills[0]?.streaming.includes(r)).map((r) => r.number),
      'requests abandoned before any kill',
    ).toEqual([]);
    const streaming = kills.reduce((sum, kill, k) => sum + charsOf(kill.streaming) + charsOf(late[k] ?? []), 0);
    const uncommitted = kills.reduce((sum, kill) => sum + charsOf(kill.uncommitted), 0);
    const duplicates = duplicateCharacters(texts);
    expect(
      billed,
      `billed ${billed} > needed ${needed} + in flight at the kills (${streaming} streaming + ${uncommitted} answered, not yet committed) + ${duplicates} duplicate text`,
    ).toBeLessThanOrEqual(needed + streaming + uncommitted + duplicates);

    reportFigure(
      'worker crashes',
      `${plan.segments.length} segments, ${kills.length} SIGKILLs in ${elapsedS.toFixed(0)} s (${WORKERS} workers), frames identical (${digest.frames}); ` +
        `billed ${billed} chars vs ${needed} needed (${overhead(billed, needed)}; undisturbed render ${reference.billed}); ` +
        `in flight at the kills ${streaming + uncommitted} chars (${streaming} streaming + ${uncommitted} answered, uncommitted), ` +
        `of which abandoned ${charsOf(abandoned)} chars in ${abandoned.length} requests; duplicate-text allowance ${duplicates}; ` +
        `${simulator.requests.length} requests (undisturbed ${reference.requests})`,
    );
  }, 600_000);
});
