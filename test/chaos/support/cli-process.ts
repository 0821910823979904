import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, REPO_ROOT, type CliResult } from '../../support/run-cli.ts';

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and its output is read. */
  result: Promise<CliResult>;
  /** The result, or a failure carrying everything it printed when it has not exited within `ms` (it is killed then). */
  exitWithin(ms: number): Promise<CliResult>;
}

/** The real command-line tool in a child process a test can watch while it runs (and kill). */
export function startCli(args: readonly string[], env: Record<string, string>, cwd: string = REPO_ROOT): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    result,
    async exitWithin(ms) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), ms);
      });
      const outcome = await Promise.race([result, late]);
      clearTimeout(timer);
      if (outcome !== 'late') return outcome;
      child.kill('SIGKILL');
      throw new Error(`tts-batch ${args[0] ?? ''} did not exit within ${ms} ms.\nstdout:\n${stdout}\nstderr:\n${stderr.slice(-4000)}`);
    },
  };
}
