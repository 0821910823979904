import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { ConfigError } from '../../errors/config-error.ts';
import { FfmpegError } from '../../errors/ffmpeg-error.ts';
import { TtsBatchError } from '../../errors/tts-batch-error.ts';
import { trackChild } from './live-processes.ts';

export type Tool = 'ffmpeg' | 'ffprobe';

/** One run of ffmpeg or ffprobe. */
export interface ToolRun {
  tool: Tool;
  /** Names the work in errors: "the m4b output", "the measuring pass". */
  what: string;
  /** The command line after `-hide_banner` (and `-nostdin` for an ffmpeg without stdin), which the runner puts first. */
  args: readonly string[];
  /**
   * Written to stdin one chunk at a time, the next pulled only once the pipe has taken the one
   * before (back-pressure; and a source may reuse its buffer, as the mastering's decode does);
   * stdin is closed at its end.
   */
  stdin?: AsyncIterable<Uint8Array> | undefined;
  /** Aborting kills the process (SIGKILL), waits for it to be reaped, then throws the signal's reason. */
  signal?: AbortSignal | undefined;
  /** The binary to run; the tool's name, looked up on PATH, by default. */
  binary?: string | undefined;
}

export interface ToolOutput {
  /** Empty when `onStdout` took it. */
  stdout: Buffer;
  /** The last 64 KiB of stderr, where the measuring filters (ebur128, astats, silencedetect) print. */
  stderr: string;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The measuring filters' summaries come last; keep enough to hold them whole. */
const STDERR_KEEP_CHARS = 64 * 1024;
/** Enough of stderr to say what went wrong; ffmpeg puts the cause last and repeats itself before. */
const TAIL_CHARS = 600;
const INSTALL_HINT = 'install ffmpeg (apt-get install ffmpeg)';

/**
 * Runs ffmpeg or ffprobe to its end, yielding stdout as it comes and read only as fast as the
 * caller pulls (ffmpeg waits meanwhile), and returns the end of stderr. It never returns or throws
 * while the process is alive: every path waits for 'close', so no child outlives the call and
 * none is left a zombie; returning early kills the process. A non-zero exit is an FfmpegError
 * carrying the end of stderr; a missing binary a ConfigError; a failing stdin source is rethrown
 * as is; an abort throws the signal's reason. Every child is tracked (live-processes.ts) so that
 * a process exit kills it.
 */
export async function* streamTool(run: ToolRun): AsyncGenerator<Buffer, string, undefined> {
  const { signal, tool } = run;
  signal?.throwIfAborted();
  const binary = run.binary ?? tool;
  // -nostdin: an ffmpeg given no stdin must not read it for keys. ffprobe has no such option.
  const first = tool === 'ffmpeg' && run.stdin === undefined ? ['-hide_banner', '-nostdin'] : ['-hide_banner'];
  const child = spawn(binary, [...first, ...run.args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let startError: NodeJS.ErrnoException | undefined;
  const exited = new Promise<Exit>((resolve) => {
    // `on`, not `once`: a second 'error' (a failed kill) must not go unhandled.
    child.on('error', (error) => {
      if (child.pid !== undefined) return; // a failed kill of a running process: 'close' still comes
      startError ??= error;
      // A process that never started emits no 'close' on some paths; nothing is left to wait for.
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, exitSignal) => resolve({ code, signal: exitSignal }));
  });
  const untrack = trackChild(child);
  void exited.then(untrack);

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP_CHARS);
  });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // Writes fail with EPIPE once the process is gone; its exit status tells the real story.
  child.stdin.on('error', () => undefined);
  let inputFailure: { error: unknown } | undefined;
  if (run.stdin === undefined) child.stdin.end();
  const pumped =
    run.stdin === undefined
      ? Promise.resolve()
      : writeEachToStdin(run.stdin, child.stdin).catch((error: unknown) => {
          inputFailure = { error };
          kill();
        });
  signal?.addEventListener('abort', kill, { once: true });

  let exit: Exit;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      yield chunk;
    }
    exit = await exited;
    await pumped;
  } finally {
    // Every way out: an early return or a throw kills the process (a no-op once it has exited by
    // itself), and each waits for it to be reaped.
    signal?.removeEventListener('abort', kill);
    kill();
    child.stdout.destroy();
    await exited;
  }
  // In this order: a killed process is the abort's doing; an input that failed was killed for it.
  signal?.throwIfAborted();
  if (startError !== undefined) throw startFailure(tool, run.binary, startError);
  if (inputFailure !== undefined) throw inputFailure.error;
  if (exit.code !== 0) {
    throw new FfmpegError({ tool, what: run.what, exitCode: exit.code, signal: exit.signal, stderrTail: tail(stderr) });
  }
  return stderr;
}

/**
 * `streamTool` for a run whose stdout is small (ffprobe's JSON) or nothing (`-f null`, a file
 * output): collects stdout, or hands each chunk to `onStdout` (a decode being counted).
 */
export async function runTool(run: ToolRun & { onStdout?: (chunk: Buffer) => void }): Promise<ToolOutput> {
  const output = streamTool(run);
  const stdout: Buffer[] = [];
  try {
    for (;;) {
      const step = await output.next();
      if (step.done === true) return { stdout: Buffer.concat(stdout), stderr: step.value };
      if (run.onStdout === undefined) stdout.push(step.value);
      else run.onStdout(step.value);
    }
  } finally {
    // Ends the process when onStdout threw; a no-op after the last step.
    await output.return('');
  }
}

/**
 * Writes `source` into a child's stdin, pulling each chunk only once the one before has been
 * written (its write callback), and closes stdin at the end. Stricter than waiting for 'drain'
 * (src/util/write-to-stdin.ts, which pulls again as soon as write() returns true, with up to the
 * high-water mark still queued): here no chunk is read after the next has been pulled, so a
 * source may hand out views of one buffer it refills (decode-file.ts, assemble-pcm.ts: no
 * garbage Buffer per chunk, issue 11's master.memory). Returns early, without error, once the
 * process stops reading (stdin destroyed, ended or failing with EPIPE): its exit status tells why.
 */
async function writeEachToStdin(source: AsyncIterable<Uint8Array>, stdin: Writable): Promise<void> {
  for await (const chunk of source) {
    if (stdin.destroyed || stdin.writableEnded) return; // leaving the loop closes the source
    // The callback comes on every way out: written, failed, or the stream destroyed meanwhile.
    const written = await new Promise<boolean>((resolve) => stdin.write(chunk, (error) => resolve(error == null)));
    if (!written) return;
  }
  if (!stdin.destroyed) stdin.end();
}

function startFailure(tool: Tool, binary: string | undefined, error: NodeJS.ErrnoException): TtsBatchError {
  const where = binary === undefined ? 'on PATH' : `(${binary})`;
  if (error.code === 'ENOENT') return new ConfigError(`${tool} was not found ${where}: ${INSTALL_HINT}`, binary ?? tool);
  return new TtsBatchError('FFMPEG_FAILED', `${tool} could not be started ${where}: ${error.message}`, {
    value: error.code,
    retryable: true,
  });
}

/** The end of stderr on one line: ffmpeg puts the cause last. */
function tail(stderr: string): string {
  const oneLine = stderr.trim().split(/\r?\n/).join(' | ');
  if (oneLine === '') return 'no message';
  return oneLine.length > TAIL_CHARS ? `…${oneLine.slice(-TAIL_CHARS)}` : oneLine;
}
