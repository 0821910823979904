import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AudioSettings } from '../audio/audio-settings.ts';
import { blameInput } from '../audio/ffmpeg/blame-input.ts';
import { trackFolder } from '../audio/ffmpeg/live-processes.ts';
import { runTool } from '../audio/ffmpeg/run-tool.ts';
import { ConfigError } from '../errors/config-error.ts';
import { RecognizerError, type RecognizerFailure } from '../errors/recognizer-error.ts';
import { settledWithin } from '../util/settled-within.ts';

export interface RecognizeOptions {
  /** QA_ASR_COMMAND: a command line (split by splitCommand) or its argv; the WAV's path is added as the last argument. */
  command: string | readonly string[];
  /** QA_ASR_TIMEOUT_MS: the recognizer is killed (its whole process group) past this. */
  timeoutMs: number;
  /** How the take is stored: raw pcm (s16le) needs its rate and channels; anything else ffmpeg reads by itself. */
  audio?: Pick<AudioSettings, 'format' | 'sampleRate' | 'channels'> | undefined;
  /** Aborting kills ffmpeg or the recognizer and throws the signal's reason. */
  signal?: AbortSignal | undefined;
  ffmpegPath?: string | undefined;
  /** Where the temp folder of the WAV goes; the OS temp folder by default. */
  tempDir?: string | undefined;
}

/** The WAV every recognizer is handed: what speech models are trained on. */
export const RECOGNIZER_SAMPLE_RATE = 16_000;
/** More than any transcript of one segment: a recognizer printing this much is broken. */
const MAX_OUTPUT_BYTES = 1024 * 1024;
const STDERR_KEEP_CHARS = 4096;
const TAIL_CHARS = 600;
/** After the exit, how long a grandchild may hold the pipes open before it is killed. */
const PIPE_GRACE_MS = 1000;

/**
 * Splits a command line into argv the way a POSIX shell splits words, with nothing else of a
 * shell (no variables, globs, pipes or redirections: the command is run directly): blanks
 * separate, 'single quotes' keep everything, "double quotes" keep all but \" \\ \$ \`, and a
 * backslash outside quotes keeps the next character. A bad command line is a ConfigError.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i += 1) {
    const char = command[i] ?? '';
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && /["\\$`]/u.test(command[i + 1] ?? '')) {
        word += command[i + 1] ?? '';
        i += 1;
      } else word += char;
    } else if (/\s/u.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\') {
      if (i + 1 >= command.length) throw new ConfigError('QA_ASR_COMMAND ends with a lone backslash', command);
      word = (word ?? '') + (command[i + 1] ?? '');
      i += 1;
    } else word = (word ?? '') + char;
  }
  if (quote !== undefined) throw new ConfigError(`QA_ASR_COMMAND has an unclosed ${quote} quote`, command);
  if (word !== undefined) words.push(word);
  if (words.length === 0) throw new ConfigError('QA_ASR_COMMAND is empty', command);
  return words;
}

/**
 * Runs the transcript check's recognizer on a take (issue 15 item 2): ffmpeg turns the take
 * (any format it reads, from a file) into a 16 kHz mono s16 WAV in a temp folder, the command
 * runs with that WAV's path as its last argument and TMPDIR set to the same folder, and what it
 * prints on stdout is returned as words on one line. The folder is removed on every way out,
 * also when the recognizer is killed mid-write. The recognizer runs in its own process group
 * (a wrapper script's children die with it on a timeout or an abort) and never through a shell.
 *
 * Throws a RecognizerError when the recognizer cannot start, exits non-zero, is killed, runs out
 * of time or floods its output; an AudioFormatError when ffmpeg cannot decode the take; the
 * signal's reason on an abort.
 */
export async function recognizeTake(path: string, options: RecognizeOptions): Promise<string> {
  options.signal?.throwIfAborted();
  const argv = typeof options.command === 'string' ? splitCommand(options.command) : [...options.command];
  if (argv.length === 0) throw new ConfigError('QA_ASR_COMMAND is empty', options.command);
  const parent = options.tempDir ?? tmpdir();
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'tts-batch-asr-'));
  const untrack = trackFolder(dir);
  try {
    const wav = join(dir, 'take.wav');
    const input =
      options.audio?.format === 'pcm'
        ? ['-f', 's16le', '-ar', String(options.audio.sampleRate), '-ac', String(options.audio.channels)]
        : [];
    // bitexact and no metadata: a bare 44-byte header, which the simplest WAV readers assume.
    // No -xerror for a wav: a streaming writer's placeholder sizes (0xFFFFFFFF) make ffmpeg
    // report a corrupt packet at the end of a take the validator accepted.
    const strict = options.audio?.format === 'wav' ? [] : ['-xerror'];
    const args = ['-v', 'error', ...strict, ...input, '-i', path, '-map', '0:a:0', '-ac', '1', '-ar', String(RECOGNIZER_SAMPLE_RATE)];
    args.push('-c:a', 'pcm_s16le', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1', '-f', 'wav', '-y', wav);
    try {
      await runTool({ tool: 'ffmpeg', what: 'the take for the recognizer', args, signal: options.signal, binary: options.ffmpegPath });
    } catch (error) {
      throw blameInput(error, 'could not decode the take for the recognizer');
    }
    return await runRecognizer(argv, wav, dir, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
    untrack();
  }
}

/** Process groups of recognizers still running, killed if this process exits first. */
const liveGroups = new Set<number>();
let exitHooked = false;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone already.
  }
}

function trackGroup(pid: number): () => void {
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const group of liveGroups) killGroup(group);
    });
  }
  liveGroups.add(pid);
  return () => liveGroups.delete(pid);
}

type Ended = { code: number | null; signal: NodeJS.Signals | null } | { startError: NodeJS.ErrnoException };

async function runRecognizer(argv: readonly string[], wav: string, dir: string, options: RecognizeOptions): Promise<string> {
  const { signal } = options;
  signal?.throwIfAborted();
  const [program = '', ...rest] = argv;
  const child = spawn(program, [...rest, wav], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    // Never the worker's environment: it holds provider keys, storage credentials and the Redis
    // URL, and a recognizer's stderr is logged. What a program needs to run, and its temp folder.
    env: recognizerEnv(dir),
  });
  const ended = new Promise<Ended>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) resolve({ startError: error });
    });
    child.once('exit', (code, exitSignal) => resolve({ code, signal: exitSignal }));
  });
  const untrack = child.pid === undefined ? () => false : trackGroup(child.pid);
  const stop = (): void => killGroup(child.pid);

  const stdout: Buffer[] = [];
  let stdoutBytes = 0;
  let flooded = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (stdoutBytes > MAX_OUTPUT_BYTES) {
      flooded = true;
      stop();
    } else stdout.push(chunk);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP_CHARS);
  });
  const pipesClosed = Promise.all([
    new Promise<void>((resolve) => child.stdout.once('close', resolve)),
    new Promise<void>((resolve) => child.stderr.once('close', resolve)),
  ]);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  signal?.addEventListener('abort', stop, { once: true });

  let end: Ended;
  try {
    end = await ended;
    // The last words may still be in the pipe when 'exit' fires; a grandchild holding it open
    // must not keep us waiting.
    if (!('startError' in end)) await settledWithin(pipesClosed, PIPE_GRACE_MS);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
    // Every way out: whatever is left of the group (a wrapper's orphaned children) goes too.
    stop();
    child.stdout.destroy();
    child.stderr.destroy();
    untrack();
  }
  signal?.throwIfAborted();
  const failure = (kind: RecognizerFailure['kind'], exit: { code: number | null; signal: string | null }): RecognizerFailure => ({
    kind,
    program,
    exitCode: exit.code,
    signal: exit.signal,
    stderrTail: tail(stderr),
  });
  if ('startError' in end) {
    const why =
      end.startError.code === 'ENOENT' ? 'was not found' : `could not be started (${end.startError.code ?? end.startError.message})`;
    throw new RecognizerError({ ...failure('start', { code: null, signal: null }), stderrTail: end.startError.message }, why);
  }
  if (timedOut) throw new RecognizerError(failure('timeout', end), `did not finish within ${options.timeoutMs} ms and was killed`);
  if (flooded) throw new RecognizerError(failure('output', end), `printed more than ${MAX_OUTPUT_BYTES} bytes and was killed`);
  if (end.code === null) throw new RecognizerError(failure('signal', end), `was killed by ${end.signal ?? 'a signal'}`);
  if (end.code !== 0) throw new RecognizerError(failure('exit', end), `exited with code ${end.code}`);
  return Buffer.concat(stdout).toString('utf8').replace(/\s+/gu, ' ').trim();
}

/** The end of stderr on one line: programs put the cause last. */
function tail(stderr: string): string {
  const oneLine = stderr.trim().split(/\r?\n/u).join(' | ');
  if (oneLine === '') return 'no message';
  return oneLine.length > TAIL_CHARS ? `…${oneLine.slice(-TAIL_CHARS)}` : oneLine;
}

/** The recognizer's environment: how to find programs and locales, and its own temp folder. */
function recognizerEnv(dir: string): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LD_LIBRARY_PATH'] as const;
  const env: NodeJS.ProcessEnv = { TMPDIR: dir };
  for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}
