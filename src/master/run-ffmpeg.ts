import { spawn } from 'node:child_process';
import { ConfigError } from '../errors/config-error.ts';
import { FfmpegError } from '../errors/ffmpeg-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { writeToStdin } from '../util/write-to-stdin.ts';
import { trackChild } from './live-processes.ts';

export interface FfmpegRun {
  /** Names the step in errors. */
  step: string;
  args: readonly string[];
  /** Written to ffmpeg's stdin with back-pressure (a write waits for 'drain'); stdin is closed at its end. */
  stdin?: AsyncIterable<Uint8Array>;
  signal?: AbortSignal | undefined;
  ffmpegPath?: string | undefined;
}

/** The summaries (ebur128, astats, silencedetect) come last; keep enough to hold them whole. */
const STDERR_KEEP_CHARS = 64 * 1024;
const TAIL_CHARS = 600;

/**
 * Runs one ffmpeg to its end and returns its stderr (where the measuring filters print). A
 * non-zero exit is an FfmpegError carrying the end of stderr; a missing binary a ConfigError;
 * a failing stdin source is rethrown as is. Aborting kills ffmpeg (SIGKILL) and throws the
 * signal's reason once the process is gone: the caller never returns with ffmpeg still alive.
 */
export async function runFfmpeg(run: FfmpegRun): Promise<string> {
  const { signal } = run;
  signal?.throwIfAborted();
  const command = run.ffmpegPath ?? 'ffmpeg';
  // -nostdin: without a pipe:0 input, ffmpeg must not wait for keys on stdin.
  const interactive = run.stdin === undefined ? ['-nostdin'] : [];
  const child = spawn(command, ['-hide_banner', ...interactive, ...run.args], {
    stdio: [run.stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
  });
  const untrack = trackChild(child);
  let spawnError: (Error & { code?: unknown }) | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (error) => {
      spawnError ??= error;
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, exitSignal) => resolve({ code, signal: exitSignal }));
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP_CHARS);
  });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });
  // Writes fail with EPIPE once ffmpeg is gone; its exit status tells the real story.
  child.stdin?.on('error', () => undefined);
  let inputFailure: { error: unknown } | undefined;
  const pumped =
    run.stdin === undefined || child.stdin === null
      ? Promise.resolve()
      : writeToStdin(run.stdin, child.stdin).catch((error: unknown) => {
          inputFailure = { error };
          kill();
        });
  try {
    const exit = await exited;
    await pumped;
    signal?.throwIfAborted();
    if (spawnError !== undefined) throw spawnFailure(spawnError, command);
    if (inputFailure !== undefined) throw inputFailure.error;
    if (exit.code !== 0) throw new FfmpegError({ step: run.step, exitCode: exit.code, signal: exit.signal, stderrTail: tail(stderr) });
    return stderr;
  } finally {
    signal?.removeEventListener('abort', kill);
    kill();
    await exited;
    untrack();
  }
}

function spawnFailure(error: Error & { code?: unknown }, command: string): TtsBatchError {
  if (error.code === 'ENOENT')
    return new ConfigError(`ffmpeg was not found (${command}): install ffmpeg (apt-get install ffmpeg)`, command);
  return new TtsBatchError('FFMPEG_FAILED', `ffmpeg could not be started (${command}): ${error.message}`, {
    value: error.code,
    retryable: true,
  });
}

/** The end of stderr on one line, without the measuring filters' chatter: ffmpeg puts the cause last. */
function tail(stderr: string): string {
  const oneLine = stderr.trim().split(/\r?\n/).join(' | ');
  if (oneLine === '') return 'no message';
  return oneLine.length > TAIL_CHARS ? `…${oneLine.slice(-TAIL_CHARS)}` : oneLine;
}
