import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { CLI, REPO_ROOT } from './run-cli.ts';

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the worker wrote to stderr (its JSON logs). */
  stderr(): string;
  /** Resolves when the worker logged that it started. */
  ready: Promise<void>;
  exited: Promise<number | null>;
}

/**
 * Starts `tts-batch worker` as a real child process (so it can be SIGKILLed). `detached`: the
 * worker leads a process group of its own, so a test can signal the group as a whole, as
 * systemd (KillMode=control-group) or a terminal's Ctrl-C do.
 */
export function spawnWorker(
  env: Record<string, string>,
  args: readonly string[] = [],
  options: { detached?: boolean } = {},
): WorkerProcess {
  const child = spawn(process.execPath, [CLI, 'worker', ...args], {
    cwd: REPO_ROOT,
    detached: options.detached ?? false,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('"workers started"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before starting:\n${stderr}`)));
  });
  // Only a caller that awaits `ready` cares that it failed; nobody else should crash on it.
  ready.catch(() => undefined);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stderr: () => stderr, ready, exited };
}
