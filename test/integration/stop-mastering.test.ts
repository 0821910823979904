import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRender } from '../../src/producer/cancel-render.ts';
import { resolveDelivery } from '../../src/producer/delivery-options.ts';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { planRender } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { STITCH_QUEUE } from '../../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { DEFAULT_PAUSE_RULES } from '../../src/text/pause-rules.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { childProcesses } from '../support/child-processes.ts';
import { ffmpegDecode, requireFfmpeg } from '../support/ffmpeg.ts';
import { pollUntil } from '../support/poll-until.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

const API_KEY = 'stop-mastering-key-5c1e';
/**
 * 100 ms of speech a character over ~2,500 characters: about 4 minutes of book, so mastering
 * (decode, measure, gain and limiter, encode, measure again) runs for seconds, long enough to
 * be caught in any of its steps; 8 kHz WAV segments keep the simulator's and ffmpeg's work small.
 */
const MS_PER_CHAR = 100;
const BOOK_CHARS = 2_500;
const AUDIO = { format: 'wav', sampleRate: 8_000, channels: 1 } as const;
/** The worker's --shutdown-timeout: short, so a SIGTERM mid-mastering takes the forced path. */
const SHUTDOWN_TIMEOUT_MS = 500;
/** The temp folders the delivery stage makes under TMPDIR. */
const TEMP_NAMES = /^tts-batch-(deliver|master)-/;
/** The mastering's steps, told apart by their ffmpeg's arguments. */
const STEPS = {
  /** masterBook step 1: the decoded book on stdin, measured and written to the temp s16le file. */
  assemble: /-i pipe:0 .*assembled\.s16le/,
  /** masterBook step 2: gain and limiter from the temp file to the mastered WAV. */
  master: /assembled\.s16le -filter_complex /,
  /** encodeOutput: the mastered WAV to the hidden partial MP3. */
  encode: /mastered\.wav .*libmp3lame/,
} as const;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** ffmpeg (or ffprobe) processes whose parent is `pid`, zombies included. */
async function ffmpegChildrenOf(pid: number): Promise<number[]> {
  return (await childProcesses(pid)).filter((child) => child.command === 'ffmpeg' || child.command === 'ffprobe').map((c) => c.pid);
}

/** A process's arguments joined by spaces ('' once it is gone). */
async function commandLine(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
}

/** Every file under `root` (relative paths) but the segment cache: what a render delivered or left half-written. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter((name) => !name.startsWith('.segments/'))
    .sort();
}

/** Processes anywhere (orphans included) whose arguments name `path`: every mastering ffmpeg names its temp folder. */
async function processesNaming(path: string): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  const lines = await Promise.all(pids.map(async (pid) => `${pid} ${await commandLine(Number(pid))}`));
  return lines.filter((line) => line.includes(path));
}

async function tempLeftovers(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => TEMP_NAMES.test(name));
}

describe('stopping a render while it is mastered', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  let prefix: string;
  let connection: Redis;
  let store: RenderStore;
  let stitch: Queue;
  let events: QueueEvents;
  let out: string;
  let tmp: string;
  let workerEnv: Record<string, string>;

  beforeAll(async () => {
    await requireFfmpeg();
    const simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: MS_PER_CHAR });
    cleanup.push(() => simulator.close());
    const config = testConfig({ SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url });
    prefix = config.QUEUE_PREFIX;
    cleanup.push(() => deletePrefix(config.REDIS_URL, prefix));
    out = await mkdtemp(join(tmpdir(), 'ttsb-stop-mastering-out-'));
    tmp = await mkdtemp(join(tmpdir(), 'ttsb-stop-mastering-tmp-'));
    cleanup.push(() => rm(out, { recursive: true, force: true }));
    cleanup.push(() => rm(tmp, { recursive: true, force: true }));
    connection = createRedisConnection(config.REDIS_URL, 'producer');
    cleanup.push(() => connection.quit());
    await connectProducer(connection, config.REDIS_URL);
    store = new RenderStore(connection, prefix);
    stitch = new Queue(STITCH_QUEUE, { connection, prefix });
    cleanup.push(() => stitch.close());
    events = new QueueEvents(STITCH_QUEUE, { connection: { url: config.REDIS_URL }, prefix });
    cleanup.push(() => events.close());
    await events.waitUntilReady();
    workerEnv = {
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: prefix,
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '2',
      TMPDIR: tmp,
    };
  });

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  async function startWorker(options: { detached?: boolean } = {}): Promise<WorkerProcess> {
    const worker = spawnWorker(workerEnv, ['--shutdown-timeout', String(SHUTDOWN_TIMEOUT_MS)], options);
    // A detached worker leads its own process group: kill the group, whatever is left of it.
    const target = options.detached === true ? -(worker.child.pid ?? 0) : (worker.child.pid ?? 0);
    cleanup.push(() => Promise.resolve().then(() => process.kill(target, 'SIGKILL')));
    await worker.ready;
    return worker;
  }

  async function enqueue(id: string, seed: number): Promise<void> {
    const options = resolveRenderOptions(senseAudioDefinition, AUDIO);
    const plan = planRender(makeSampleBook(BOOK_CHARS, seed), senseAudioDefinition.limits, {}, DEFAULT_PAUSE_RULES);
    const delivery = resolveDelivery({ title: `Stop ${id}` }, options.audio, options.voice);
    await enqueueRender(
      { connection, prefix, store, retry: { attempts: 3, backoffMs: 50 } },
      { id, plan, provider: senseAudioDefinition, options, output: describeLocation(out), delivery: { options: delivery } },
    );
  }

  /** Waits (polling /proc, no sleep) until the render is stitching and its worker runs the ffmpeg of `step`; returns the worker's ffmpeg pids. */
  async function masteringStep(id: string, worker: WorkerProcess, step: RegExp): Promise<number[]> {
    const pid = worker.child.pid ?? -1;
    const seen = await pollUntil(
      `render ${id} stitching with the ffmpeg of ${String(step)} under the worker`,
      async () => {
        const ffmpeg = await ffmpegChildrenOf(pid);
        const lines = await Promise.all(ffmpeg.map(commandLine));
        return { status: (await store.get(id))?.status, ffmpeg, lines };
      },
      (now) => now.status === 'stitching' && now.lines.some((line) => step.test(line)),
      45_000,
      20,
    );
    return seen.ffmpeg;
  }

  /** No process working in TMPDIR, nothing of the render in the output (no audio, manifest or hidden partial file), no temp folder. */
  async function expectNothingLeft(): Promise<void> {
    expect(await processesNaming(tmp), 'no process still works in TMPDIR').toEqual([]);
    expect(await filesUnder(out), 'no audio, no manifest, no partial file').toEqual([]);
    expect(await tempLeftovers(tmp), 'the temp folders are removed').toEqual([]);
  }

  /** The stitch job went back to its queue: no attempt spent, nothing failed, the render still on. */
  async function expectHandedBack(id: string): Promise<Job> {
    const job = await Job.fromId(stitch, id);
    expect(job, 'the stitch job is still there').toBeInstanceOf(Job);
    expect(['delayed', 'waiting', 'prioritized'], 'the stitch job waits for another worker').toContain(await job!.getState());
    expect(job!.attemptsMade, 'a shutdown spends no attempt').toBe(0);
    expect(job!.failedReason ?? '', 'and is no failure').toBe('');
    expect(['running', 'stitching']).toContain((await store.get(id))?.status);
    return job!;
  }

  it(
    'cancel while encoding: ffmpeg killed and reaped, the render cancelled, nothing delivered or left in TMPDIR',
    { timeout: 60_000 },
    async () => {
      const worker = await startWorker();
      const pid = worker.child.pid ?? -1;
      await enqueue('cancel-mastering', 31);
      const running = await masteringStep('cancel-mastering', worker, STEPS.encode);
      const job = await Job.fromId(stitch, 'cancel-mastering');

      const cancelledAt = Date.now();
      expect(await cancelRender({ connection, prefix, store }, 'cancel-mastering')).toBe('cancelled');
      await pollUntil(
        'no ffmpeg under the worker',
        () => ffmpegChildrenOf(pid),
        (pids) => pids.length === 0,
        20_000,
        10,
      );
      const noFfmpegMs = Date.now() - cancelledAt;
      expect(await job!.waitUntilFinished(events, 20_000)).toEqual({ ended: 'cancelled' });
      const jobEndedMs = Date.now() - cancelledAt;
      console.info('cancel while encoding', JSON.stringify({ noFfmpegMs, jobEndedMs }));

      // Killed, not left to finish: the rest of the book is seconds of encoding and measuring away.
      expect(noFfmpegMs, 'ms from the cancel to no ffmpeg').toBeLessThan(3000);
      expect(worker.stderr(), 'the mastering was aborted, not finished and deleted afterwards').toMatch(
        /render ended while mastering; nothing delivered/,
      );
      expect(running.filter(alive), 'the ffmpeg seen encoding is gone').toEqual([]);
      expect(await ffmpegChildrenOf(pid), 'no ffmpeg child, not even a zombie').toEqual([]);
      expect(worker.child.exitCode, 'the worker keeps running').toBeNull();
      expect((await store.get('cancel-mastering'))?.status).toBe('cancelled');
      await expectNothingLeft();
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    },
  );

  it(
    'SIGTERM while mastering: exits within its shutdown timeout, no ffmpeg, stitch handed back; a new worker delivers the book',
    { timeout: 90_000 },
    async () => {
      const worker = await startWorker();
      await enqueue('sigterm-mastering', 32);
      const running = await masteringStep('sigterm-mastering', worker, STEPS.master);

      const signalledAt = Date.now();
      worker.child.kill('SIGTERM');
      const code = await worker.exited;
      const exitMs = Date.now() - signalledAt;
      console.info('SIGTERM while mastering', JSON.stringify({ exitMs, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS }));
      expect(code, worker.stderr()).toBe(0);
      expect(exitMs, `exited ${exitMs} ms after SIGTERM`).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 3000);
      expect(worker.stderr()).toMatch(/active jobs did not finish in time/);
      expect(running.filter(alive), 'no ffmpeg outlives the worker').toEqual([]);
      await expectNothingLeft();
      const job = await expectHandedBack('sigterm-mastering');

      const next = await startWorker();
      const result = (await job.waitUntilFinished(events, 60_000)) as { location: string; durationMs: number };
      const record = await store.get('sigterm-mastering');
      expect(record?.status).toBe('completed');
      const folder = record!.spec.delivery!.folder;
      const manifest = JSON.parse(await readFile(join(out, folder, 'manifest.json'), 'utf8')) as Manifest;
      expect(manifest).toMatchObject({ profile: 'audiobook', format: 'mp3', folder, sampleRate: AUDIO.sampleRate, channels: 1 });
      expect(manifest.segments).toHaveLength(record!.spec.segmentCount);
      expect(result.durationMs).toBe(manifest.durationMs);
      // Exactly the files the manifest lists, each of the size it says; the book as long as it says.
      expect(await filesUnder(join(out, folder))).toEqual([...manifest.files.map((file) => file.name), 'manifest.json'].sort());
      for (const file of manifest.files) expect((await stat(join(out, folder, file.name))).size, file.name).toBe(file.bytes);
      const book = manifest.files.find((file) => file.role === 'book');
      const decoded = await ffmpegDecode(join(out, folder, book!.name));
      expect(decoded.errors).toBe('');
      const decodedMs = (decoded.pcmBytes / 2 / manifest.sampleRate) * 1000;
      expect(Math.abs(decodedMs - manifest.durationMs), `decoded ${decodedMs} ms, manifest ${manifest.durationMs} ms`).toBeLessThan(25);
      expect(manifest.durationMs, 'minutes of book').toBeGreaterThan(3 * 60_000);
      expect(await tempLeftovers(tmp), 'the delivery removed its temp folders').toEqual([]);
      next.child.kill('SIGTERM');
      expect(await next.exited).toBe(0);
      await rm(join(out, folder), { recursive: true });
    },
  );

  it(
    'SIGTERM to the whole process group (systemd, a terminal) while mastering: the stitch is handed back, not failed',
    { timeout: 60_000 },
    async () => {
      const worker = await startWorker({ detached: true });
      await enqueue('group-sigterm', 33);
      const running = await masteringStep('group-sigterm', worker, STEPS.assemble);

      const signalledAt = Date.now();
      // ffmpeg gets the signal too, and stops on its own: that must not pass for a failed mastering.
      process.kill(-(worker.child.pid ?? 0), 'SIGTERM');
      const code = await worker.exited;
      const exitMs = Date.now() - signalledAt;
      console.info('group SIGTERM while mastering', JSON.stringify({ exitMs }));
      expect(code, worker.stderr()).toBe(0);
      expect(exitMs, `exited ${exitMs} ms after SIGTERM`).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 3000);
      expect(running.filter(alive), 'no ffmpeg outlives the worker').toEqual([]);
      await expectNothingLeft();
      await expectHandedBack('group-sigterm');
      expect(worker.stderr()).toMatch(/stitch stopped while the worker shuts down; handing it back/);
    },
  );
});
