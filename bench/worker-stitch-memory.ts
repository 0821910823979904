/**
 * Peak memory of a real `tts-batch worker` process while it stitches a 1-hour and a 4-hour
 * book (and, with --hours, others). Segments are put on disk beforehand at their content keys,
 * so the worker finds every segment cached and the run measures the stitch, not synthesis.
 * The figure is the worker's VmHWM (peak RSS, from /proc) after the render completed, next to
 * its VmHWM when idle, measured in the same run.
 *
 *   node --import tsx bench/worker-stitch-memory.ts [--hours 1,4] [--segment-seconds 180]
 *
 * Needs Redis (REDIS_URL or 127.0.0.1:6379).
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { enqueueRender } from '../src/producer/enqueue-render.ts';
import { planRender } from '../src/producer/plan.ts';
import { resolveRenderOptions } from '../src/producer/render-options.ts';
import { segmentKey } from '../src/producer/segment-key.ts';
import { toSpeechText } from '../src/producer/speech-text.ts';
import { senseAudioDefinition } from '../src/providers/senseaudio/definition.ts';
import { STITCH_QUEUE } from '../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../src/queue/redis-connection.ts';
import { RenderStore } from '../src/render/render-store.ts';
import { describeLocation } from '../src/storage/open-storage.ts';
import { synthMp3 } from '../test/support/audio-synth.ts';
import { makeSampleBook } from '../test/support/sample-book.ts';
import { deletePrefix, uniquePrefix } from '../test/support/test-config.ts';
import { spawnWorker } from '../test/support/worker-process.ts';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

async function vmHwmMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 102.4) / 10;
}

async function measure(hours: number, segmentSeconds: number, redisUrl: string): Promise<Record<string, number | string>> {
  const prefix = uniquePrefix('bench');
  const out = await mkdtemp(join(tmpdir(), 'ttsb-bench-'));
  const segmentsWanted = Math.round((hours * 3600) / segmentSeconds);
  // About 3,000 characters per segment (SenseAudio's target): size the book to the segment count.
  const book = makeSampleBook(segmentsWanted * 2_900, 11);
  const plan = planRender(book, senseAudioDefinition.limits);
  const options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
  const perSegmentMs = (hours * 3_600_000) / plan.segments.length;
  const audio = synthMp3({ durationMs: perSegmentMs, sampleRate: 24000, channels: 1, bitrate: 64000, id3: true, xing: true });
  for (const segment of plan.segments) {
    const key = segmentKey({ provider: 'senseaudio', model: options.model, voice: options.voice, voiceSettings: options.voiceSettings, audio: options.audio, text: toSpeechText(segment.text) });
    await mkdir(dirname(join(out, key)), { recursive: true });
    await writeFile(join(out, key), audio);
  }

  const worker = spawnWorker({ REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, SENSEAUDIO_API_KEY: 'unused', SENSEAUDIO_BASE_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'warn' }, ['--providers', 'senseaudio']);
  const connection = createRedisConnection(redisUrl, 'producer');
  const events = new QueueEvents(STITCH_QUEUE, { connection: { url: redisUrl }, prefix });
  const queue = new Queue(STITCH_QUEUE, { connection, prefix });
  try {
    // LOG_LEVEL=warn hides the "workers started" line: wait for the process to be ready another way.
    await connectProducer(connection, redisUrl);
    await events.waitUntilReady();
    const idleMb = await waitForIdle(worker.child.pid ?? 0);
    const started = performance.now();
    await enqueueRender({ connection, prefix, store: new RenderStore(connection, prefix), retry: { attempts: 3, backoffMs: 100 } }, { id: 'bench', plan, provider: senseAudioDefinition, options, output: describeLocation(out) });
    const job = await Job.fromId(queue, 'bench');
    await job!.waitUntilFinished(events, 600_000);
    const seconds = (performance.now() - started) / 1000;
    const peakMb = await vmHwmMb(worker.child.pid ?? 0);
    const manifest = JSON.parse(await readFile(join(out, 'bench', 'manifest.json'), 'utf8')) as { durationMs: number; bytes: number };
    return {
      hours,
      segments: plan.segments.length,
      audioHours: Math.round((manifest.durationMs / 3_600_000) * 1000) / 1000,
      outputMb: Math.round(manifest.bytes / 104857.6) / 10,
      idleRssMb: idleMb,
      peakRssMb: peakMb,
      seconds: Math.round(seconds * 100) / 100,
    };
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited;
    await queue.close();
    await events.close();
    await connection.quit();
    await deletePrefix(redisUrl, prefix);
    await rm(out, { recursive: true, force: true });
  }
}

/** The worker is idle once its RSS stops changing for a moment after start-up. */
async function waitForIdle(pid: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await vmHwmMb(pid).catch(() => 0);
    if (now > 0 && now === last) return now;
    last = now;
  }
  return last;
}

const hoursList = arg('--hours', '1,4').split(',').map(Number);
const segmentSeconds = Number(arg('--segment-seconds', '180'));
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const rows = [];
for (const hours of hoursList) rows.push(await measure(hours, segmentSeconds, redisUrl));
console.table(rows);
const base = rows[0];
for (const row of rows.slice(1)) {
  console.log(`peak RSS ${row.hours} h / ${base?.hours} h = ${(Number(row.peakRssMb) / Number(base?.peakRssMb)).toFixed(3)}`);
}
console.log(JSON.stringify(rows));
