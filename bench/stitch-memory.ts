/**
 * Stitch memory: peak RSS (VmHWM from /proc) of a real `tts-batch worker` process while it
 * stitches a 1-hour and a 4-hour book, each in a fresh worker. Every segment is put on disk
 * beforehand at its content key, so the worker finds them all cached and the run measures the
 * stitch, not synthesis. The figure is the 4-hour peak over the 1-hour peak, same run.
 * (Folds in the former bench/worker-stitch-memory.ts and bench/stitch-memory.ts.)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { segmentKey } from '../src/queue/segment-key.ts';
import { toSpeechText } from '../src/text/speech-text.ts';
import { synthMp3 } from '../test/support/audio-synth.ts';
import { makeSampleBook } from '../test/support/sample-book.ts';
import { benchCommand, figure, round, type BenchFigure, type Benchmark, type BenchOptions } from './support/bench-figure.ts';
import { startRenderBenchEnv } from './support/render-bench-env.ts';

const AUDIO = { format: 'mp3', sampleRate: 32000, channels: 1, bitrate: 128_000 } as const;
/** Book size per hour of audio: ~55 segments (the sample book's chapters are short). */
const CHARS_PER_HOUR = 58_000;

interface MemoryRow {
  hours: number;
  segments: number;
  segmentSeconds: number;
  audioHours: number;
  outputMb: number;
  idleRssMb: number;
  peakRssMb: number;
  stitchSeconds: number;
}

async function vmHwmMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  if (!Number.isFinite(kb)) throw new Error(`no VmHWM for process ${pid}`);
  return round(kb / 1024, 1);
}

/**
 * The worker's start-up peak, once it stops growing. Polling is the only way to see it: a
 * process does not announce that its start-up allocations are over.
 */
async function idlePeakMb(pid: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < 100; i += 1) {
    await sleep(200);
    const now = await vmHwmMb(pid);
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function measure(options: BenchOptions, hours: number): Promise<MemoryRow> {
  const env = await startRenderBenchEnv({ redisUrl: options.redisUrl, label: 'stitchmem', simulator: {}, workers: 1, concurrency: 4 });
  try {
    const { plan, options: renderOptions } = env.plan(makeSampleBook(hours * CHARS_PER_HOUR, 11), AUDIO);
    const audio = synthMp3({
      durationMs: (hours * 3_600_000) / plan.segments.length,
      sampleRate: AUDIO.sampleRate,
      channels: AUDIO.channels,
      bitrate: AUDIO.bitrate,
      id3: true,
      xing: true,
    });
    for (const segment of plan.segments) {
      const key = segmentKey({
        provider: 'senseaudio',
        model: renderOptions.model,
        voice: renderOptions.voice,
        voiceSettings: renderOptions.voiceSettings,
        audio: renderOptions.audio,
        text: toSpeechText(segment.text),
      });
      await mkdir(dirname(join(env.out, key)), { recursive: true });
      await writeFile(join(env.out, key), audio);
    }
    const pid = env.workerPids[0] ?? 0;
    const idleRssMb = await idlePeakMb(pid);
    const timing = await env.render('memory', plan, renderOptions);
    if (env.simulator.requests.length > 0)
      throw new Error(`the worker called the provider ${env.simulator.requests.length} times: segments were not all cached`);
    const peakRssMb = await vmHwmMb(pid);
    return {
      hours,
      segments: plan.segments.length,
      segmentSeconds: round((hours * 3600) / plan.segments.length, 1),
      audioHours: round(timing.manifest.durationMs / 3_600_000, 3),
      outputMb: round(timing.manifest.bytes / 1024 / 1024, 1),
      idleRssMb,
      peakRssMb,
      stitchSeconds: round(timing.stitchMs / 1000, 2),
    };
  } finally {
    await env.close();
  }
}

/** The middle value (the mean of the middle two for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export const stitchMemory: Benchmark = {
  name: 'stitch-memory',
  description: "a real worker's peak RSS stitching a 4-hour book vs a 1-hour book",
  async run(options): Promise<BenchFigure[]> {
    // A fresh worker's own start-up peak varies by tens of MB from one process to the next
    // (GC timing): several alternating rounds, and their medians, keep that out of the ratio.
    const rounds = options.quick ? 2 : 3;
    const ones: MemoryRow[] = [];
    const fours: MemoryRow[] = [];
    for (let i = 0; i < rounds; i += 1) {
      const one = await measure(options, 1);
      ones.push(one);
      const four = await measure(options, 4);
      fours.push(four);
      options.log(
        `stitch-memory round ${i + 1}: worker peak ${one.peakRssMb} MB for 1 h (idle ${one.idleRssMb}), ${four.peakRssMb} MB for 4 h (idle ${four.idleRssMb})`,
      );
    }
    const peak = (rows: readonly MemoryRow[]): number => round(median(rows.map((row) => row.peakRssMb)), 1);
    const growth = (rows: readonly MemoryRow[]): number => round(median(rows.map((row) => row.peakRssMb - row.idleRssMb)), 1);
    return [
      figure({
        id: 'stitch.memory',
        title: `Stitch memory: worker peak RSS, 4-hour book (${fours[0]?.segments} segments) vs 1-hour book (${ones[0]?.segments}), median of ${rounds}`,
        value: peak(fours),
        unit: 'MB peak RSS (VmHWM)',
        baseline: peak(ones),
        baselineLabel: '1-hour book, fresh worker each, same run',
        better: 'lower',
        target: { op: '<=', ratio: 1.1 },
        command: benchCommand('stitch-memory', options.quick),
        details: {
          audio: AUDIO,
          rounds,
          oneHour: ones,
          fourHours: fours,
          medianGrowthWhileStitchingMb: { oneHour: growth(ones), fourHours: growth(fours) },
        },
      }),
    ];
  },
};
