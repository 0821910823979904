import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * The ffmpeg and ffprobe processes this process has running (every run of run-tool.ts: the
 * mastering, the encoding, transcoding) and the temp folders the mastering has open, so that an
 * exit (the worker's SIGTERM shutdown ends in process.exit) leaves no ffmpeg behind and no temp
 * file: 'exit' handlers run synchronously, which kill() and rmSync() are. A cancelled render does
 * the same earlier, through its AbortSignal.
 */
const children = new Set<ChildProcess>();
const folders = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    killLiveFfmpeg();
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
 * Kills every ffmpeg and ffprobe still running (SIGKILL): for a shutdown that cannot wait. Each
 * run in flight then fails with a retryable FfmpegError (killed by a signal), and a masterBook
 * removes its own temp folder.
 */
export function killLiveFfmpeg(): void {
  for (const child of children) child.kill('SIGKILL');
}
