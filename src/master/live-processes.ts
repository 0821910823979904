import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * ffmpeg processes and temp folders the mastering stage has running or open, so that an exit
 * (the worker's SIGTERM shutdown ends in process.exit) leaves no ffmpeg behind and no temp file:
 * 'exit' handlers run synchronously, which kill() and rmSync() are. A cancelled render does the
 * same earlier, through its AbortSignal.
 */
const children = new Set<ChildProcess>();
const folders = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL');
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
}

export function trackChild(child: ChildProcess): () => void {
  hookExit();
  children.add(child);
  return () => children.delete(child);
}

export function trackFolder(folder: string): () => void {
  hookExit();
  folders.add(folder);
  return () => folders.delete(folder);
}

/**
 * Kills every ffmpeg the mastering stage has running (SIGKILL): for a shutdown that cannot
 * wait. Each masterBook in flight then fails and removes its own temp folder.
 */
export function killLiveFfmpeg(): void {
  for (const child of children) child.kill('SIGKILL');
}
