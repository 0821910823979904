import { spawn } from 'node:child_process';
import { ConfigError } from '../../errors/config-error.ts';
import { EncodeError } from '../../errors/encode-error.ts';
import { TtsBatchError } from '../../errors/tts-batch-error.ts';

export type Tool = 'ffmpeg' | 'ffprobe';

export interface RunToolOptions {
  /** Names the work in errors: "the m4b output", "chapter 3". */
  what: string;
  /** Aborting kills the process (SIGKILL), waits for it to be reaped, then throws the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Receives stdout as it comes (a decode being counted); without it stdout is collected and returned. */
  onStdout?: (chunk: Buffer) => void;
}

/** Enough of stderr to say what went wrong; ffmpeg puts the cause last and repeats itself before. */
const STDERR_TAIL_CHARS = 600;
const INSTALL_HINT = 'install ffmpeg (apt-get install ffmpeg)';

/**
 * Runs ffmpeg or ffprobe to completion and returns its stdout (unless `onStdout` takes it).
 * It never returns, or throws, while the process is still alive: every path waits for 'close',
 * so no child outlives the call and none is left a zombie. A non-zero exit is an EncodeError
 * carrying the end of stderr; a missing binary is a ConfigError.
 */
export async function runTool(tool: Tool, args: readonly string[], options: RunToolOptions): Promise<Buffer> {
  const { signal } = options;
  signal?.throwIfAborted();
  const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let spawnError: (Error & { code?: unknown }) | undefined;
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // `on`, not `once`: a second 'error' (a failed kill) must not go unhandled.
    child.on('error', (error) => {
      spawnError ??= error;
      // A process that never started emits no 'close' on some paths; nothing is left to wait for.
      if (child.pid === undefined) resolve({ code: null, signal: null });
    });
    child.once('close', (code, exitSignal) => resolve({ code, signal: exitSignal }));
  });
  const stdout: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    if (options.onStdout === undefined) stdout.push(chunk);
    else options.onStdout(chunk);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4 * STDERR_TAIL_CHARS);
  });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    exit = await closed;
  } finally {
    signal?.removeEventListener('abort', kill);
  }
  signal?.throwIfAborted();
  if (spawnError !== undefined) throw spawnFailure(tool, spawnError);
  if (exit.code !== 0) {
    const how = exit.code === null ? `was killed by ${exit.signal ?? 'a signal'}` : `exited with code ${exit.code}`;
    const last = tail(stderr);
    throw new EncodeError(`${tool} failed on ${options.what}: it ${how}: ${last}`, {
      tool,
      what: options.what,
      exitCode: exit.code,
      signal: exit.signal,
      stderr: last,
    });
  }
  return Buffer.concat(stdout);
}

function spawnFailure(tool: Tool, error: Error & { code?: unknown }): TtsBatchError {
  if (error.code === 'ENOENT') return new ConfigError(`${tool} was not found on PATH: ${INSTALL_HINT}`, tool);
  return new TtsBatchError('FFMPEG_FAILED', `${tool} could not be started: ${error.message}`, { value: error.code, retryable: true });
}

/** The end of stderr on one line. */
function tail(stderr: string): string {
  const oneLine = stderr.trim().split(/\r?\n/).join(' | ');
  if (oneLine === '') return 'no message';
  return oneLine.length > STDERR_TAIL_CHARS ? `…${oneLine.slice(-STDERR_TAIL_CHARS)}` : oneLine;
}
