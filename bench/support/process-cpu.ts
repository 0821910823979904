import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU time (user + system, ms) another process has used so far, from /proc/<pid>/stat. CPU time
 * per unit of work is steadier than wall time on a busy machine: it tells what a quiet one would do.
 */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicks();
}

/** CPU time of several processes together. */
export async function totalCpuMs(pids: readonly number[]): Promise<number> {
  const each = await Promise.all(pids.map((pid) => processCpuMs(pid)));
  return each.reduce((sum, ms) => sum + ms, 0);
}

/**
 * CPU time (user + system, ms) of the children this process has waited for, from the cutime and
 * cstime fields of /proc/self/stat: every ffmpeg it ran, once each has exited. Node has no
 * getrusage(RUSAGE_CHILDREN); read before and after a stage, the difference is that stage's.
 */
export async function waitedChildrenCpuMs(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicks();
}
