/**
 * Stitch throughput: about 1 GB of MP3 segments on disk (one segment encoded with lamejs, then
 * copied; frame contents do not matter for throughput), joined by our stitcher
 * (src/stitcher/stitch.ts with LocalStorage, in a child process of its own) and by
 * `ffmpeg -f concat -safe 0 -i list.txt -c copy out.mp3` on the same files, alternately, best
 * round of each. The figure is our MB/s of input over ffmpeg's.
 */
import { copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AudioSettings } from '../src/audio/audio-settings.ts';
import { synthMp3 } from '../test/support/audio-synth.ts';
import { benchCommand, figure, round, type BenchFigure, type Benchmark } from './support/bench-figure.ts';
import { ensureFfmpeg, gnuTime } from './support/ensure-ffmpeg.ts';
import { runOk } from './support/run-process.ts';
import { segmentFileKey, STITCH_OUTPUT_KEY, type StitchFilesResult } from './support/stitch-files.ts';
import { withTempDir } from './support/temp-dir.ts';

const STITCH_FILES = fileURLToPath(new URL('./support/stitch-files.ts', import.meta.url));
/** `--import tsx` resolves from the working directory: the repository's. */
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const MB = 1_000_000;
/** SenseAudio's default audio: what a default render's segments are. */
const AUDIO: AudioSettings = { format: 'mp3', sampleRate: 32000, channels: 1, bitrate: 128_000 };
const SEGMENT_SECONDS = 180;

interface FfmpegRound {
  wallMs: number;
  /** User + system CPU time and peak RSS, from GNU time when installed. */
  cpuMs?: number;
  maxRssKb?: number;
  /** The same run plus an fsync of its output, as our LocalStorage.put does. */
  wallWithFsyncMs: number;
  bytes: number;
}

interface OursRound extends StitchFilesResult {
  processWallMs: number;
}

async function writeSegments(dir: string, targetBytes: number): Promise<{ count: number; bytes: number }> {
  const segment = synthMp3({
    durationMs: SEGMENT_SECONDS * 1000,
    sampleRate: AUDIO.sampleRate,
    channels: AUDIO.channels,
    bitrate: AUDIO.bitrate ?? 128_000,
    id3: true,
    xing: true,
  });
  const first = join(dir, segmentFileKey(0, 'mp3'));
  await mkdir(join(dir, 'segments'), { recursive: true });
  await writeFile(first, segment);
  const count = Math.max(1, Math.ceil(targetBytes / segment.length));
  const lines = [`file '${first}'`];
  for (let index = 1; index < count; index += 1) {
    const path = join(dir, segmentFileKey(index, 'mp3'));
    await copyFile(first, path);
    lines.push(`file '${path}'`);
  }
  await writeFile(join(dir, 'list.txt'), `${lines.join('\n')}\n`);
  return { count, bytes: count * segment.length };
}

async function ffmpegRound(dir: string, time: string | undefined): Promise<FfmpegRound> {
  const out = join(dir, 'ffmpeg-out.mp3');
  const ffmpegArgs = ['-nostdin', '-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', join(dir, 'list.txt'), '-c', 'copy', out];
  try {
    const run = time === undefined ? await runOk('ffmpeg', ffmpegArgs) : await runOk(time, ['-f', '%M %U %S', 'ffmpeg', ...ffmpegArgs]);
    const synced = await runOk('sync', [out]);
    const { size } = await stat(out);
    const result: FfmpegRound = { wallMs: run.wallMs, wallWithFsyncMs: run.wallMs + synced.wallMs, bytes: size };
    const [maxRssKb, user, system] = (run.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    if (
      time !== undefined &&
      maxRssKb !== undefined &&
      user !== undefined &&
      system !== undefined &&
      [maxRssKb, user, system].every(Number.isFinite)
    ) {
      result.maxRssKb = maxRssKb;
      result.cpuMs = (user + system) * 1000;
    }
    return result;
  } finally {
    await rm(out, { force: true });
  }
}

async function oursRound(dir: string, count: number): Promise<OursRound> {
  try {
    const run = await runOk(process.execPath, ['--import', 'tsx', STITCH_FILES, dir, String(count), JSON.stringify(AUDIO)], {
      cwd: REPO_ROOT,
    });
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as StitchFilesResult;
    return { ...result, processWallMs: run.wallMs };
  } finally {
    await rm(join(dir, ...STITCH_OUTPUT_KEY.split('/')), { force: true });
  }
}

const best = <T>(rounds: readonly T[], by: (round: T) => number): T => rounds.reduce((a, b) => (by(b) < by(a) ? b : a));

export const stitchThroughput: Benchmark = {
  name: 'stitch',
  description: 'MB/s joining ~1 GB of MP3 segments on disk vs ffmpeg -f concat -c copy',
  async run(options): Promise<BenchFigure[]> {
    const ffmpegVersion = await ensureFfmpeg(options.log);
    const time = await gnuTime();
    const targetBytes = options.quick ? 150 * MB : 1000 * MB;
    const rounds = options.quick ? 2 : 3;
    return withTempDir('stitch', async (dir) => {
      const input = await writeSegments(dir, targetBytes);
      options.log(`stitch: ${input.count} segments, ${round(input.bytes / MB)} MB on disk`);
      const ffmpegRounds: FfmpegRound[] = [];
      const oursRounds: OursRound[] = [];
      for (let i = 0; i < rounds; i += 1) {
        ffmpegRounds.push(await ffmpegRound(dir, time));
        oursRounds.push(await oursRound(dir, input.count));
        options.log(
          `stitch round ${i + 1}: ffmpeg ${Math.round(ffmpegRounds.at(-1)?.wallMs ?? 0)} ms, ours ${Math.round(oursRounds.at(-1)?.stitchMs ?? 0)} ms`,
        );
      }
      const ffmpeg = best(ffmpegRounds, (r) => r.wallMs);
      const ours = best(oursRounds, (r) => r.stitchMs);
      const mbPerSecond = (ms: number): number => round(input.bytes / MB / (ms / 1000), 1);
      const hours = (input.count * SEGMENT_SECONDS) / 3600;
      return [
        figure({
          id: 'stitch.throughput',
          title: `Stitch: ${round(input.bytes / MB, 0)} MB of MP3 (${input.count} segments, ${round(hours, 1)} h at ${AUDIO.sampleRate / 1000} kHz ${(AUDIO.bitrate ?? 0) / 1000} kbps)`,
          value: mbPerSecond(ours.stitchMs),
          unit: 'MB/s of input',
          baseline: mbPerSecond(ffmpeg.wallMs),
          baselineLabel: 'ffmpeg -f concat -safe 0 -i list.txt -c copy',
          better: 'higher',
          target: { op: '>=', ratio: 1 },
          command: benchCommand('stitch', options.quick),
          details: {
            segments: input.count,
            inputBytes: input.bytes,
            rounds,
            ffmpegVersion,
            ours: {
              stitchMs: Math.round(ours.stitchMs),
              cpuMs: Math.round(ours.cpuMs),
              processWallMs: Math.round(ours.processWallMs),
              outputBytes: ours.bytes,
              durationHours: round(ours.durationMs / 3_600_000, 3),
              maxRssMb: round(ours.maxRssKb / 1024, 1),
              maxRssBeforeStitchMb: round(ours.maxRssKbBefore / 1024, 1),
              allRoundsMs: oursRounds.map((r) => Math.round(r.stitchMs)),
            },
            ffmpeg: {
              wallMs: Math.round(ffmpeg.wallMs),
              wallWithFsyncMs: Math.round(ffmpeg.wallWithFsyncMs),
              outputBytes: ffmpeg.bytes,
              ...(ffmpeg.cpuMs === undefined ? {} : { cpuMs: Math.round(ffmpeg.cpuMs) }),
              ...(ffmpeg.maxRssKb === undefined ? {} : { maxRssMb: round(ffmpeg.maxRssKb / 1024, 1) }),
              allRoundsMs: ffmpegRounds.map((r) => Math.round(r.wallMs)),
            },
            // CPU time is steadier than wall time on a busy machine: a second view of the same race.
            ...(ffmpeg.cpuMs === undefined ? {} : { cpuRatio: round(ffmpeg.cpuMs / ours.cpuMs, 3) }),
            note: 'ours is the stitch() call (our output is fsynced before it returns); processWallMs adds Node/tsx start-up; ffmpeg is its whole process',
          },
        }),
      ];
    });
  },
};
