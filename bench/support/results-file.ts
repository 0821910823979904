import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchFigure } from './bench-figure.ts';

export interface BenchRun {
  startedAt: string;
  finishedAt: string;
  command: string;
  quick: boolean;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
    node: string;
    platform: string;
  };
  /** The commit checked out (the working tree may hold more). */
  commit: string | null;
  figures: BenchFigure[];
  /** Benchmarks that failed to produce figures, with why. */
  errors: { benchmark: string; error: string }[];
}

export function machineInfo(): Omit<BenchRun['machine'], 'loadAverageAtEnd'> {
  const all = cpus();
  return {
    cpus: all.length,
    cpuModel: all[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function currentCommit(cwd: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Writes bench/results/<date>.json (named by the run's start, `-quick` for quick runs) and latest.json. */
export async function writeResults(folder: string, run: BenchRun): Promise<string> {
  await mkdir(folder, { recursive: true });
  const stamp = run.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const file = join(folder, `${stamp}${run.quick ? '-quick' : ''}.json`);
  const text = `${JSON.stringify(run, null, 2)}\n`;
  await writeFile(file, text);
  await writeFile(join(folder, 'latest.json'), text);
  return file;
}
