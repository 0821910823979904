/**
 * Mastering speed and memory (issue 11): a 10-hour book of MP3 segments mastered to the
 * `audiobook` profile and encoded to MP3 and to M4B with chapters, by our code and by plain
 * ffmpeg doing the same work from a concat list, in the same run.
 *
 * The book: three speech-like segments (shaped pink noise, 24/37/51 s, MP3 24 kHz mono 64 kbps,
 * made once with ffmpeg) repeated in the segment list, 700 ms between segments, 2 s before each
 * chapter (every 32 segments, ~20 min; quick: every 4), a 750 ms head and a 2 s tail.
 *  - Ours (bench/support/master-files.ts, a child process): masterBook on a LocalStorage folder
 *    (no upload), then encodeOutput to MP3 and to M4B with deliver-book's chapter cuts, then
 *    deliver-book's measureLoudness on each file (timed apart: the baseline has no counterpart).
 *  - Baseline: `ffmpeg -f concat` over the same segment files with MP3 silence files for the
 *    pauses: one measuring pass (the filters masterBook measures with), then one pass per output
 *    applying the same gain and limiter (the chain masteringFilter builds) and encoding with the
 *    chapters from an ffmetadata file.
 * Figures: speed (audio seconds per wall second) ours ÷ ffmpeg, the same per CPU second, and the
 * peak RSS of our Node process mastering the big book ÷ the small one.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AudioSettings } from '../src/audio/audio-settings.ts';
import { gainFor } from '../src/master/master-book.ts';
import { masteringFilter } from '../src/master/mastering-filter.ts';
import { measuringFilters, parseMeasurements } from '../src/master/parse-measurements.ts';
import { getProfile } from '../src/master/profiles.ts';
import { benchCommand, figure, round, type BenchFigure, type Benchmark, type BenchOptions } from './support/bench-figure.ts';
import { ensureFfmpeg } from './support/ensure-ffmpeg.ts';
import type { MasterFilesPlan, MasterFilesResult } from './support/master-files.ts';
import { waitedChildrenCpuMs } from './support/process-cpu.ts';
import { runOk } from './support/run-process.ts';
import { withTempDir } from './support/temp-dir.ts';

const MASTER_FILES = fileURLToPath(new URL('./support/master-files.ts', import.meta.url));
/** `--import tsx` resolves from the working directory: the repository's. */
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const SEGMENT_AUDIO: AudioSettings = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64_000 };
const SEGMENT_SECONDS = [24, 37, 51] as const;
const PAUSE_MS = 700;
const CHAPTER_PAUSE_MS = 2000;
const TAGS = { title: 'Bench book', author: 'tts-batch bench' };
/** What encodeOutput picks for mono by default (docs/outputs.md): 64 kbps for both. */
const OUTPUT_KBPS = 64;

interface Book {
  hours: number;
  plan: MasterFilesPlan;
  /** Concat list for the baseline: segments and silence files in spoken order. */
  listPath: string;
  metadataPath: string;
  audioSeconds: number;
}

interface FfmpegPass {
  wallMs: number;
  cpuMs: number;
}

interface BaselineRun {
  passes: { measure: FfmpegPass; mp3: FfmpegPass; m4b: FfmpegPass };
  wallMs: number;
  cpuMs: number;
  gainDb: number;
  integratedBefore: number | null;
}

/** Speech-like: pink noise in the voice band, shaped by syllable (3.3 Hz) and phrase (0.45 Hz) envelopes. */
async function makeSegment(path: string, seconds: number, seed: number): Promise<void> {
  const source = `anoisesrc=c=pink:r=${SEGMENT_AUDIO.sampleRate}:a=0.5:seed=${seed}:d=${seconds}`;
  const shape = `bandpass=f=700:width_type=h:w=1200,volume='0.05+0.95*pow(sin(2*PI*3.3*t)*sin(2*PI*0.45*t+${seed}),2)':eval=frame`;
  await runOk('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-af', shape, ...mp3Args(), path]);
}

async function makeSilence(path: string, ms: number): Promise<void> {
  const source = `anullsrc=r=${SEGMENT_AUDIO.sampleRate}:cl=mono`;
  await runOk('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-t', (ms / 1000).toFixed(3), ...mp3Args(), path]);
}

function mp3Args(): string[] {
  return ['-ac', '1', '-ar', String(SEGMENT_AUDIO.sampleRate), '-c:a', 'libmp3lame', '-b:a', `${(SEGMENT_AUDIO.bitrate ?? 0) / 1000}k`];
}

async function probeSeconds(path: string): Promise<number> {
  const run = await runOk('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path]);
  return Number(run.stdout.trim());
}

/** ffmetadata escaping is not needed: the titles are plain. */
function ffmetadata(chapters: readonly { title: string; startMs: number; endMs: number }[]): string {
  const lines = [';FFMETADATA1', `title=${TAGS.title}`, `artist=${TAGS.author}`];
  for (const c of chapters)
    lines.push('', '[CHAPTER]', 'TIMEBASE=1/1000', `START=${Math.round(c.startMs)}`, `END=${Math.round(c.endMs)}`, `title=${c.title}`);
  return `${lines.join('\n')}\n`;
}

/** A book of about `hours`: the segment list, its pauses and chapters, and the same as a concat list. */
async function buildBook(root: string, hours: number, segmentsPerChapter: number, label: string): Promise<Book> {
  const profile = getProfile('audiobook');
  const seconds = await Promise.all(SEGMENT_SECONDS.map((_, index) => probeSeconds(join(root, 'segments', `s${index}.mp3`))));
  const segmentKeys: string[] = [];
  const pausesAfterMs: number[] = [];
  const chapters: MasterFilesPlan['chapters'] = [];
  const chapterStartsMs: number[] = [];
  const silence = (ms: number): string => `file '${join(root, 'silence', `${ms}.mp3`)}'`;
  const list = [silence(profile.headMs)];
  let atMs = profile.headMs;
  const targetMs = hours * 3_600_000;
  for (let index = 0; atMs < targetMs; index += 1) {
    if (index % segmentsPerChapter === 0) {
      chapters.push({ title: `Chapter ${chapters.length + 1}`, firstSegment: index });
      // Where deliver-book cuts: the head length before the chapter's first segment (0 for the first).
      chapterStartsMs.push(index === 0 ? 0 : atMs - profile.headMs);
    }
    const kind = index % SEGMENT_SECONDS.length;
    segmentKeys.push(`segments/s${kind}.mp3`);
    list.push(`file '${join(root, 'segments', `s${kind}.mp3`)}'`);
    atMs += (seconds[kind] ?? 0) * 1000;
    const pause = (index + 1) % segmentsPerChapter === 0 ? CHAPTER_PAUSE_MS : PAUSE_MS;
    pausesAfterMs.push(pause);
    list.push(silence(pause));
    atMs += pause;
  }
  // The last pause is the book's tail.
  const lastPause = pausesAfterMs.length - 1;
  atMs += profile.tailMs - (pausesAfterMs[lastPause] ?? 0);
  pausesAfterMs[lastPause] = profile.tailMs;
  list[list.length - 1] = silence(profile.tailMs);
  const listPath = join(root, `${label}.list.txt`);
  const metadataPath = join(root, `${label}.ffmetadata`);
  await writeFile(listPath, `${list.join('\n')}\n`);
  await writeFile(
    metadataPath,
    ffmetadata(chapters.map((c, i) => ({ title: c.title, startMs: chapterStartsMs[i] ?? 0, endMs: chapterStartsMs[i + 1] ?? atMs }))),
  );
  return {
    hours,
    listPath,
    metadataPath,
    audioSeconds: atMs / 1000,
    plan: {
      root,
      segmentKeys,
      segmentAudio: SEGMENT_AUDIO,
      pausesAfterMs,
      pauseBeforeMs: profile.headMs,
      chapters,
      workDir: join(root, `work-${label}`),
      measureOutputs: true,
    },
  };
}

async function timedFfmpeg(args: readonly string[]): Promise<FfmpegPass & { stderr: string }> {
  const cpuBefore = await waitedChildrenCpuMs();
  const run = await runOk('ffmpeg', ['-nostdin', '-hide_banner', '-nostats', ...args]);
  return { wallMs: run.wallMs, cpuMs: (await waitedChildrenCpuMs()) - cpuBefore, stderr: run.stderr };
}

async function baseline(book: Book): Promise<BaselineRun> {
  const profile = getProfile('audiobook');
  const concat = ['-f', 'concat', '-safe', '0', '-i', book.listPath];
  const measure = await timedFfmpeg([...concat, '-map', '0:a', '-af', measuringFilters({ truePeak: false }), '-f', 'null', '-']);
  const before = parseMeasurements(measure.stderr).loudness;
  const gainDb = gainFor(profile, before);
  // masteringFilter's chain (aformat dbl, volume, alimiter) without our length pin and measuring tap.
  const ours = masteringFilter({
    gainDb,
    ceilingDb: profile.limiterCeilingDb,
    roomToneDb: null,
    sampleRate: SEGMENT_AUDIO.sampleRate,
    channels: 1,
    totalSamples: 1,
  });
  const chain = ours.slice('[0:a]'.length, ours.indexOf(',atrim='));
  const common = [...concat, '-f', 'ffmetadata', '-i', book.metadataPath, '-map', '0:a', '-map_metadata', '1', '-map_chapters', '1'];
  const output = ['-af', chain, '-ar', String(SEGMENT_AUDIO.sampleRate), '-ac', '1', '-b:a', `${OUTPUT_KBPS}k`];
  const mp3Path = join(book.plan.workDir, 'ffmpeg.mp3');
  const m4bPath = join(book.plan.workDir, 'ffmpeg.m4b');
  const mp3 = await timedFfmpeg(['-y', ...common, ...output, '-c:a', 'libmp3lame', '-write_xing', '1', '-f', 'mp3', mp3Path]);
  const m4b = await timedFfmpeg([
    '-y',
    ...common,
    ...output,
    '-c:a',
    'aac',
    '-movflags',
    '+faststart',
    '-brand',
    'M4B ',
    '-f',
    'ipod',
    m4bPath,
  ]);
  const pass = (p: FfmpegPass): FfmpegPass => ({ wallMs: Math.round(p.wallMs), cpuMs: Math.round(p.cpuMs) });
  return {
    passes: { measure: pass(measure), mp3: pass(mp3), m4b: pass(m4b) },
    wallMs: measure.wallMs + mp3.wallMs + m4b.wallMs,
    cpuMs: measure.cpuMs + mp3.cpuMs + m4b.cpuMs,
    gainDb: round(gainDb, 2),
    integratedBefore: before.integratedLufs,
  };
}

async function oursRun(book: Book): Promise<MasterFilesResult & { processWallMs: number }> {
  const planPath = join(book.plan.root, `plan-${book.hours}.json`);
  await writeFile(planPath, JSON.stringify(book.plan));
  await runOk('mkdir', ['-p', book.plan.workDir]);
  try {
    const run = await runOk(process.execPath, ['--import', 'tsx', MASTER_FILES, planPath], { cwd: REPO_ROOT });
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as MasterFilesResult;
    return { ...result, processWallMs: run.wallMs };
  } finally {
    await runOk('rm', ['-rf', book.plan.workDir]);
  }
}

/** The child's figures, rounded for the JSON file. */
function summary(run: MasterFilesResult & { processWallMs: number }): Record<string, unknown> {
  const ms = (record: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, Math.round(value)]));
  const mb = (kb: number | undefined): number | undefined => (kb === undefined ? undefined : round(kb / 1024, 1));
  return {
    audioHours: round(run.durationMs / 3_600_000, 3),
    workMs: Math.round(run.workMs),
    stageMs: ms(run.stageMs),
    stageCpuMs: ms(run.stageCpuMs),
    stageChildCpuMs: ms(run.stageChildCpuMs),
    selfCpuMs: Math.round(run.selfCpuMs),
    startupCpuMs: Math.round(run.startupCpuMs),
    processWallMs: Math.round(run.processWallMs),
    nodeMaxRssMb: mb(run.maxRssKb),
    nodeMaxRssBeforeWorkMb: mb(run.maxRssKbBefore),
    nodeMaxRssAfterStageMb: Object.fromEntries(Object.entries(run.maxRssKbAfterStage).map(([stage, kb]) => [stage, mb(kb)])),
    ffmpegPeakRssMbByStage: Object.fromEntries(Object.entries(run.childPeakKb).map(([stage, kb]) => [stage, mb(kb)])),
    childrenSeen: run.childrenSeen,
    gainDb: round(run.gainDb, 2),
    integratedBefore: run.integratedBefore,
    integratedAfter: run.integratedAfter,
    files: run.files,
  };
}

async function runAll(options: BenchOptions, root: string): Promise<BenchFigure[]> {
  const profile = getProfile('audiobook');
  const small = options.quick ? 1 / 60 : 1;
  const big = options.quick ? 10 / 60 : 10;
  const perChapter = options.quick ? 4 : 32;
  await runOk('mkdir', ['-p', join(root, 'segments'), join(root, 'silence')]);
  await Promise.all(SEGMENT_SECONDS.map((s, index) => makeSegment(join(root, 'segments', `s${index}.mp3`), s, index + 1)));
  for (const ms of new Set([PAUSE_MS, CHAPTER_PAUSE_MS, profile.headMs, profile.tailMs]))
    await makeSilence(join(root, 'silence', `${ms}.mp3`), ms);
  const smallBook = await buildBook(root, small, perChapter, 'small');
  const bigBook = await buildBook(root, big, perChapter, 'big');
  options.log(
    `master-speed: books of ${smallBook.plan.segmentKeys.length} and ${bigBook.plan.segmentKeys.length} segments (${round(smallBook.audioSeconds / 3600, 2)} h, ${round(bigBook.audioSeconds / 3600, 2)} h)`,
  );
  const oursSmall = await oursRun(smallBook);
  options.log(
    `master-speed: ours ${smallBook.hours} h: ${Math.round(oursSmall.workMs)} ms, node peak ${round(oursSmall.maxRssKb / 1024, 1)} MB`,
  );
  await runOk('mkdir', ['-p', bigBook.plan.workDir]);
  let ffmpeg: BaselineRun;
  try {
    ffmpeg = await baseline(bigBook);
  } finally {
    await runOk('rm', ['-rf', bigBook.plan.workDir]);
  }
  options.log(`master-speed: ffmpeg ${round(big, 2)} h: ${Math.round(ffmpeg.wallMs)} ms (${JSON.stringify(ffmpeg.passes)})`);
  const oursBig = await oursRun(bigBook);
  options.log(`master-speed: ours ${round(big, 2)} h: ${Math.round(oursBig.workMs)} ms, node peak ${round(oursBig.maxRssKb / 1024, 1)} MB`);

  const audio = oursBig.durationMs / 1000;
  const oursCpuMs = oursBig.stageCpuMs.master + oursBig.stageCpuMs.mp3 + oursBig.stageCpuMs.m4b;
  const size = (hours: number): string => (hours >= 1 ? `${round(hours, 1)}-hour` : `${round(hours * 60, 0)}-minute`);
  const work = 'decode + pauses + loudness + gain/limiter + MP3 + M4B with chapters';
  const details = {
    segmentAudio: SEGMENT_AUDIO,
    segmentSeconds: SEGMENT_SECONDS,
    pausesMs: { between: PAUSE_MS, beforeChapter: CHAPTER_PAUSE_MS, head: profile.headMs, tail: profile.tailMs },
    outputs: { mp3Kbps: OUTPUT_KBPS, m4bKbps: OUTPUT_KBPS, chapters: bigBook.plan.chapters.length },
    segments: bigBook.plan.segmentKeys.length,
    ffmpegVersion: await ensureFfmpeg(options.log),
    ours: summary(oursBig),
    ffmpeg,
    deliverBookMeasureMs: Math.round(oursBig.stageMs.measure),
    note: "ours: masterBook + encodeOutput ×2 (each encode decodes its file once more to check its length); deliver-book's measureLoudness of both files is timed apart (stageMs.measure) and not in the ratio; baseline: ffmpeg measure pass + one apply+encode pass per output",
  };
  return [
    figure({
      id: 'master.speed',
      title: `Mastering speed: ${size(big)} book (${bigBook.plan.segmentKeys.length} MP3 segments), ${work}`,
      value: round(audio / (oursBig.workMs / 1000), 1),
      unit: '× real time (wall)',
      baseline: round(bigBook.audioSeconds / (ffmpeg.wallMs / 1000), 1),
      baselineLabel: 'ffmpeg -f concat: measure pass + apply/encode pass per output, same filters',
      better: 'higher',
      target: { op: '>=', ratio: 0.9 },
      command: benchCommand('master-speed', options.quick),
      details: { ...details, oursWallS: round(oursBig.workMs / 1000, 1), ffmpegWallS: round(ffmpeg.wallMs / 1000, 1) },
    }),
    figure({
      id: 'master.cpu',
      title: `Mastering CPU: ${size(big)} book, same work (Node + every ffmpeg it ran)`,
      value: round(audio / (oursCpuMs / 1000), 1),
      unit: '× real time per CPU second',
      baseline: round(bigBook.audioSeconds / (ffmpeg.cpuMs / 1000), 1),
      baselineLabel: 'the same three ffmpeg passes',
      better: 'higher',
      command: benchCommand('master-speed', options.quick),
      details: { oursCpuS: round(oursCpuMs / 1000, 1), ffmpegCpuS: round(ffmpeg.cpuMs / 1000, 1) },
    }),
    figure({
      id: 'master.memory',
      title: `Mastering memory: Node peak RSS, ${size(big)} book vs ${size(small)} book, fresh process each`,
      value: round(oursBig.maxRssKb / 1024, 1),
      unit: 'MB peak RSS (maxRSS)',
      baseline: round(oursSmall.maxRssKb / 1024, 1),
      baselineLabel: `${size(small)} book, same run`,
      better: 'lower',
      target: { op: '<=', ratio: 1.1 },
      command: benchCommand('master-speed', options.quick),
      details: { small: summary(oursSmall), big: { ...summary(oursBig), note: 'the speed run above' } },
    }),
  ];
}

export const masterSpeed: Benchmark = {
  name: 'master-speed',
  description: 'mastering a 10-hour book to MP3 and M4B vs ffmpeg from a concat list; peak RSS 10 h vs 1 h',
  async run(options): Promise<BenchFigure[]> {
    await ensureFfmpeg(options.log);
    return withTempDir('master', (root) => runAll(options, root));
  },
};
