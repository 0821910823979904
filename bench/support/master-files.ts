/**
 * Child process for the master-speed benchmark: what a worker's stitch job does for an
 * `audiobook` render delivered as MP3 and as M4B, on segments in a LocalStorage folder (no
 * upload: the encoded files stay in the temp folder). masterBook (decode in order, pauses,
 * loudness measure, gain + limiter), then encodeOutput to MP3 and to M4B with the chapters cut
 * as deliver-book cuts them, then measureLoudness on each file (deliver-book's compliance
 * measurement, timed on its own). Prints one JSON line: each stage's wall time and CPU (this
 * process's, and its ffmpeg children's from /proc/self/stat), this process's peak RSS, and the
 * peak RSS of its ffmpeg children (sampled from /proc every 200 ms).
 *
 *   node --import tsx bench/support/master-files.ts <plan.json>
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AudioSettings } from '../../src/audio/audio-settings.ts';
import { chapterCuts } from '../../src/master/chapter-cuts.ts';
import { encodeOutput, type EncodedFile, type OutputChapter } from '../../src/master/encode/encode-output.ts';
import { masterBook } from '../../src/master/master-book.ts';
import { measureLoudness } from '../../src/master/measure-loudness.ts';
import { getProfile } from '../../src/master/profiles.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { waitedChildrenCpuMs } from './process-cpu.ts';

export interface MasterFilesPlan {
  /** LocalStorage root holding the segments. */
  root: string;
  segmentKeys: string[];
  segmentAudio: AudioSettings;
  pausesAfterMs: number[];
  pauseBeforeMs: number;
  chapters: { title: string; firstSegment: number }[];
  /** Where masterBook's temp folder and the encoded files go. */
  workDir: string;
  /** Run deliver-book's measureLoudness on each encoded file too. */
  measureOutputs: boolean;
}

export type MasterStage = 'master' | 'mp3' | 'm4b' | 'measure';

export interface MasterFilesResult {
  /** Wall time of each stage, ms. */
  stageMs: Record<MasterStage, number>;
  /** CPU (user + system) of each stage, ms: this process's and its ffmpeg/ffprobe children's together. */
  stageCpuMs: Record<MasterStage, number>;
  /** The children's part of stageCpuMs. */
  stageChildCpuMs: Record<MasterStage, number>;
  /** This process's peak RSS (KiB) as each stage ended: which stage raised it. */
  maxRssKbAfterStage: Record<MasterStage, number>;
  /** master + mp3 + m4b: what the baseline's three ffmpeg passes do. */
  workMs: number;
  /** CPU (user + system) of this process before main() started: Node and tsx start-up. */
  startupCpuMs: number;
  /** CPU of this process (not its children) during all stages. */
  selfCpuMs: number;
  /** Peak RSS of this process (KiB), before the work and at the end. */
  maxRssKbBefore: number;
  maxRssKb: number;
  /** Highest VmHWM seen of any ffmpeg/ffprobe child, by stage (KiB); sampled, so a short-lived child may be missed. */
  childPeakKb: Partial<Record<MasterStage, number>>;
  childrenSeen: number;
  durationMs: number;
  sampleRate: number;
  gainDb: number;
  integratedBefore: number | null;
  integratedAfter: number | null;
  files: { format: string; bytes: number; durationMs: number; integratedLufs?: number | null; truePeakDbtp?: number | null }[];
}

/**
 * One buffer for every /proc read of the sampler: fs.readFile allocates a 64 KiB Buffer per
 * /proc file (their size reads as 0), ten a second here, garbage that raised the very peak RSS
 * this process reports (master.memory) by several MB over a 10-hour book.
 */
const PROC_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** The start of a /proc file ('' once the process is gone). */
function readProc(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    return PROC_BUFFER.toString('latin1', 0, readSync(fd, PROC_BUFFER, 0, PROC_BUFFER.length, 0));
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}

/** Samples the children's peak RSS while the work runs: Node has no getrusage(RUSAGE_CHILDREN). */
function childSampler(): { stage: (name: MasterStage) => void; stop: () => { peaks: Partial<Record<MasterStage, number>>; seen: number } } {
  const peaks: Partial<Record<MasterStage, number>> = {};
  const seen = new Set<number>();
  let current: MasterStage = 'master';
  const sample = (): void => {
    // libuv forks from the thread that spawns: the main thread, whose task id is the pid.
    const text = readProc(`/proc/${process.pid}/task/${process.pid}/children`);
    for (const pid of text.trim().split(/\s+/).filter(Boolean).map(Number)) {
      seen.add(pid);
      const kb = Number(/VmHWM:\s+(\d+)/.exec(readProc(`/proc/${pid}/status`))?.[1] ?? 0);
      if (kb > (peaks[current] ?? 0)) peaks[current] = kb;
    }
  };
  const timer = setInterval(sample, 200);
  return {
    stage: (name) => {
      current = name;
    },
    stop: () => {
      clearInterval(timer);
      return { peaks, seen: seen.size };
    },
  };
}

/** The chapters as deliver-book makes them (its outputChapters): each from its cut inside the pause before it. */
function outputChapters(
  master: Awaited<ReturnType<typeof masterBook>>,
  planned: MasterFilesPlan['chapters'],
  headMs: number,
): OutputChapter[] {
  const headSamples = Math.round((headMs * master.sampleRate) / 1000);
  const cuts = chapterCuts(master.segments, planned, { headSamples, totalSamples: master.totalSamples });
  return cuts.map((cut, index) => ({
    title: planned[index]?.title ?? `Chapter ${index + 1}`,
    startMs: (cut.startSample * 1000) / master.sampleRate,
    endMs: (cut.endSample * 1000) / master.sampleRate,
  }));
}

async function main(): Promise<void> {
  const startupCpu = process.cpuUsage();
  const plan = JSON.parse(await readFile(process.argv[2] ?? '', 'utf8')) as MasterFilesPlan;
  const profile = getProfile('audiobook');
  const storage = new LocalStorage(plan.root);
  const maxRssKbBefore = process.resourceUsage().maxRSS;
  const cpuBefore = process.cpuUsage();
  const sampler = childSampler();
  const stageMs: Record<MasterStage, number> = { master: 0, mp3: 0, m4b: 0, measure: 0 };
  const stageCpuMs: Record<MasterStage, number> = { master: 0, mp3: 0, m4b: 0, measure: 0 };
  const stageChildCpuMs: Record<MasterStage, number> = { master: 0, mp3: 0, m4b: 0, measure: 0 };
  const maxRssKbAfterStage: Record<MasterStage, number> = { master: 0, mp3: 0, m4b: 0, measure: 0 };
  const timed = async <T>(stage: MasterStage, work: () => Promise<T>): Promise<T> => {
    sampler.stage(stage);
    const started = performance.now();
    const selfBefore = process.cpuUsage();
    const childrenBefore = await waitedChildrenCpuMs();
    try {
      return await work();
    } finally {
      stageMs[stage] += performance.now() - started;
      const self = process.cpuUsage(selfBefore);
      const children = (await waitedChildrenCpuMs()) - childrenBefore;
      stageChildCpuMs[stage] += children;
      stageCpuMs[stage] += (self.user + self.system) / 1000 + children;
      maxRssKbAfterStage[stage] = process.resourceUsage().maxRSS;
    }
  };
  const master = await timed('master', () =>
    masterBook({
      storage,
      segmentKeys: plan.segmentKeys,
      segmentAudio: plan.segmentAudio,
      pausesAfterMs: plan.pausesAfterMs,
      pauseBeforeMs: plan.pauseBeforeMs,
      profile: profile.name,
      tempRoot: plan.workDir,
    }),
  );
  const files: MasterFilesResult['files'] = [];
  try {
    const chapters = outputChapters(master, plan.chapters, profile.headMs);
    const tags = { title: 'Bench book', author: 'tts-batch bench' };
    const encoded: EncodedFile[] = [];
    for (const format of ['mp3', 'm4b'] as const) {
      encoded.push(
        await timed(format, () =>
          encodeOutput({ input: master.wavPath, outputPath: join(plan.workDir, `book.${format}`), format, chapters, tags }),
        ),
      );
    }
    for (const file of encoded) {
      const entry: MasterFilesResult['files'][number] = { format: file.format, bytes: file.bytes, durationMs: file.durationMs };
      if (plan.measureOutputs) {
        const measured = await timed('measure', () => measureLoudness(file.path));
        entry.integratedLufs = measured.loudness.integratedLufs;
        entry.truePeakDbtp = measured.loudness.truePeakDbtp;
      }
      files.push(entry);
    }
  } finally {
    await master.dispose();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const children = sampler.stop();
  const line: MasterFilesResult = {
    stageMs,
    stageCpuMs,
    stageChildCpuMs,
    maxRssKbAfterStage,
    workMs: stageMs.master + stageMs.mp3 + stageMs.m4b,
    startupCpuMs: (startupCpu.user + startupCpu.system) / 1000,
    selfCpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKbBefore,
    maxRssKb: process.resourceUsage().maxRSS,
    childPeakKb: children.peaks,
    childrenSeen: children.seen,
    durationMs: master.durationMs,
    sampleRate: master.sampleRate,
    gainDb: master.gainDb,
    integratedBefore: master.measuredBefore.integratedLufs,
    integratedAfter: master.measuredAfter.integratedLufs,
    files,
  };
  // Nothing of the mastering may be left in the work folder but the encoded files.
  const left = (await readdir(plan.workDir)).filter((name) => !name.startsWith('book.'));
  if (left.length > 0) throw new Error(`left in ${plan.workDir}: ${left.join(', ')}`);
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

if (process.argv[1]?.endsWith('master-files.ts')) await main();
