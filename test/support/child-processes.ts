import { readdir, readFile } from 'node:fs/promises';

export interface ChildProcessInfo {
  pid: number;
  /** The executable's name (`ffmpeg`). */
  command: string;
  /** R running, S sleeping, Z zombie (exited, not yet reaped), … */
  state: string;
}

/**
 * The processes whose parent is `parent` (default: this one), read from /proc (Linux): a zombie
 * shows up here too, so an empty list means every child was both stopped and reaped.
 */
export async function childProcesses(parent: number = process.pid): Promise<ChildProcessInfo[]> {
  const children: ChildProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) continue; // gone between the listing and the read
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const [state = '', ppid = ''] = stat.slice(close + 2).split(' ');
    if (Number(ppid) !== parent) continue;
    children.push({ pid: Number(entry), command: stat.slice(stat.indexOf('(') + 1, close), state });
  }
  return children;
}
