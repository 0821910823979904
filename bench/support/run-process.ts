import { spawn } from 'node:child_process';
import { owe } from './cleanup.ts';

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit, measured here. */
  wallMs: number;
}

/** Runs a command to its end, timing it; the child is killed if the run is interrupted. */
export function runProcess(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
    const paid = owe(() => {
      child.kill('SIGKILL');
      return Promise.resolve();
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      paid();
      reject(error);
    });
    child.on('close', (code) => {
      paid();
      resolve({ code, stdout, stderr, wallMs: performance.now() - started });
    });
  });
}

/** Like runProcess, but a non-zero exit is an error carrying the child's stderr. */
export async function runOk(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<ProcessRun> {
  const run = await runProcess(command, args, options);
  if (run.code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${run.code}: ${run.stderr.slice(-2000)}`);
  return run;
}
