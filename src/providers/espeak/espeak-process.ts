import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { IncompleteStreamError } from '../../errors/incomplete-stream-error.ts';
import { ProviderError } from '../../errors/provider-error.ts';
import { describeError } from '../shared/network-error.ts';
import { classifyExit, classifySpawnError } from './classify-exit.ts';
import { settledWithin } from '../../util/settled-within.ts';

export interface EspeakRunOptions {
  binary: string;
  args: readonly string[];
  /** Written to stdin, then stdin is closed. */
  input: string;
  /** For messages about the voice. */
  voice: string;
  /** A run whose stdout stays silent this long while we wait for it is killed (hung, not slow). */
  idleTimeoutMs: number;
}

/** One espeak-ng process speaking one segment. */
export interface EspeakRun {
  /** stdout as it comes (a wav stream); each read waits at most `idleTimeoutMs`. */
  readonly stdout: AsyncIterable<Uint8Array>;
  /**
   * Waits for the process to end and throws the ProviderError that explains a failed run
   * (could not start, went silent, crashed, refused the voice, exited without audio).
   */
  finish(): Promise<void>;
  /** True once stdout reached its end (espeak closed it, or it was stopped). */
  readonly outputEnded: boolean;
  /** Kills the process if it still runs (`finish` then reports STOPPED); for early returns and aborts. Idempotent. */
  stop(): void;
}

type Ended = { code: number | null; signal: NodeJS.Signals | null } | { spawnError: unknown };

/** providerCode of the failure `finish` reports after `stop` killed the run: our doing, not espeak's. */
export const STOPPED = 'STOPPED';
/** How much of stderr is kept: its end says why espeak stopped; the rest is noise. */
const STDERR_KEEP_CHARS = 2048;
/** After the exit, how long stderr may stay open (held by a grandchild) before we stop waiting for it. */
const STDERR_GRACE_MS = 1000;

/** Starts espeak-ng with `args`, the text on stdin (never on the command line). */
export function startEspeak(options: EspeakRunOptions): EspeakRun {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(options.binary, [...options.args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let failure: ProviderError | undefined;
  let stdoutBytes = 0;
  let stderr = '';
  let readError: unknown;
  let outputEnded = false;
  const ended = new Promise<Ended>((resolve) => {
    // 'error' before the process ran is a failed spawn (a missing binary); later ones (a kill
    // that found it gone) change nothing. 'exit', not 'close': a grandchild that keeps the pipes
    // open must not keep us waiting once espeak itself is gone.
    child.on('error', (error) => resolve({ spawnError: error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP_CHARS);
  });
  const stderrClosed = new Promise<void>((resolve) => child.stderr.once('close', resolve));
  // EPIPE when espeak dies before reading everything: its exit status tells the real story.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input, 'utf8');

  let stopped = false;
  const running = (): boolean => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  const stop = (): void => {
    if (running()) {
      stopped = true;
      child.kill('SIGKILL');
    }
    child.stdout.destroy();
    child.stderr.destroy();
  };

  async function* stdout(): AsyncGenerator<Uint8Array, void, undefined> {
    const iterator = (child.stdout as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    for (;;) {
      const timer = setTimeout(() => {
        failure ??= new ProviderError(`espeak-ng wrote nothing for ${options.idleTimeoutMs} ms and was stopped`, {
          provider: 'espeak',
          kind: 'retryable',
          providerCode: 'IDLE_TIMEOUT',
        });
        stop();
      }, options.idleTimeoutMs);
      let step: IteratorResult<Buffer>;
      try {
        step = await iterator.next();
      } catch (error) {
        // The pipe broke (our own stop, or the process vanished): the audio ends here, and
        // finish() says why; a clean exit does not make cut audio whole.
        readError ??= error;
        outputEnded = true;
        return;
      } finally {
        clearTimeout(timer);
      }
      if (step.done === true) {
        outputEnded = true;
        return;
      }
      stdoutBytes += step.value.length;
      yield step.value;
    }
  }

  return {
    stdout: stdout(),
    get outputEnded() {
      return outputEnded;
    },
    async finish() {
      const end = await ended;
      // The reason ("voice does not exist") may still be in the pipe when 'exit' fires.
      await settledWithin(stderrClosed, STDERR_GRACE_MS);
      if (failure !== undefined) throw failure;
      if (stopped) {
        failure = new ProviderError('espeak-ng was stopped before it finished', {
          provider: 'espeak',
          kind: 'retryable',
          providerCode: STOPPED,
        });
        throw failure;
      }
      failure =
        'spawnError' in end
          ? classifySpawnError(end.spawnError, options.binary)
          : classifyExit({ ...end, stderr, stdoutBytes }, options.voice);
      if (failure === undefined && readError !== undefined) {
        failure = new IncompleteStreamError(
          'espeak',
          `reading espeak-ng's output failed after ${stdoutBytes} bytes: ${describeError(readError)}`,
          readError,
        );
      }
      if (failure !== undefined) throw failure;
    },
    stop,
  };
}
