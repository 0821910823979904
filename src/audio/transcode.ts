import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { AudioFormatError } from '../errors/audio-format-error.ts';
import { ConfigError } from '../errors/config-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { writeToStdin } from '../util/write-to-stdin.ts';
import { MAX_HEAD_BYTES, readAudioHead, type AudioHead } from './audio-head.ts';
import type { AudioSettings } from './audio-settings.ts';

export type TranscodeInputFormat = 'wav' | 'mp3' | 'flac' | 'pcm';

export interface TranscodeOptions {
  /** Tells ffmpeg what comes in; probed when absent. Raw `pcm` (s16le) needs rate and channels. */
  inputFormat?: TranscodeInputFormat;
  inputSampleRate?: number;
  inputChannels?: 1 | 2;
  /** Aborting kills ffmpeg and throws the signal's reason. */
  signal?: AbortSignal;
  /** The ffmpeg binary; `ffmpeg` on PATH by default. */
  ffmpegPath?: string;
}

const INSTALL_HINT = 'install ffmpeg (apt-get install ffmpeg)';
/** mp3 output when the target names no bitrate. */
const DEFAULT_MP3_BITRATE = 128_000;
/** Enough of ffmpeg's stderr to say what went wrong; the rest is the same complaint repeated. */
const STDERR_TAIL_CHARS = 600;

/**
 * Converts audio to `target` through a child ffmpeg (stdin → stdout), streaming: input is
 * written only as fast as ffmpeg reads it and output read only as fast as the caller pulls,
 * so memory stays bounded whatever the length. mp3 comes out CBR (libmp3lame at
 * `target.bitrate`) without Xing or ID3 tags; wav comes out 16-bit with the 0xFFFFFFFF sizes
 * of a pipe (the stitcher clamps them); pcm is s16le.
 *
 * Fails rather than returning short audio: an input that throws (a cut download) is rethrown
 * as is; a wav shorter than its header declares, or a streamed wav ending inside a sample, is
 * an AudioFormatError; so is any decode error (ffmpeg runs with -xerror, except on streamed
 * wav, see runFfmpeg), carrying ffmpeg's last words. A missing ffmpeg is a ConfigError.
 * Returning early or aborting kills the process. The first bytes (up to MAX_HEAD_BYTES) are
 * read before ffmpeg starts, to know what comes in.
 */
export async function* transcode(
  input: AsyncIterable<Uint8Array>,
  target: AudioSettings,
  options: TranscodeOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  options.signal?.throwIfAborted();
  yield* runFfmpeg(await peekHead(input, options), target, options);
}

/**
 * Yields the input untouched when its head shows it already is `target` exactly (mp3 of the
 * same rate, channels and bitrate; 16-bit PCM wav of the same rate and channels; raw pcm said
 * to match), else converts it with ffmpeg as `transcode` does. Either way a wav that ends short
 * of its declared length, or in the middle of a sample, fails instead of passing as shorter audio.
 */
export async function* passThroughOrTranscode(
  input: AsyncIterable<Uint8Array>,
  target: AudioSettings,
  options: TranscodeOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  options.signal?.throwIfAborted();
  const peeked = await peekHead(input, options);
  if (!matchesTarget(peeked.head, target, options)) {
    yield* runFfmpeg(peeked, target, options);
    return;
  }
  for await (const chunk of guardLength(peeked.replay, peeked.head)) {
    options.signal?.throwIfAborted();
    yield chunk;
  }
}

async function* runFfmpeg(
  peeked: PeekedInput,
  target: AudioSettings,
  options: TranscodeOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const { signal } = options;
  signal?.throwIfAborted();
  // ffmpeg marks the short last read of a wav of unknown length "corrupt"; -xerror would fail
  // every streamed wav for it. Those are checked here instead (whole samples only).
  const exitOnDecodeError = !(peeked.head.container === 'wav' && peeked.head.declaredBytes === undefined);
  const args = ffmpegArguments(target, { ...options, exitOnDecodeError });
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(options.ffmpegPath ?? 'ffmpeg', args, {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let spawnError: (Error & { code?: unknown }) | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // `on`, not `once`: a second 'error' (a failed kill) must not go unhandled.
    child.on('error', (error) => {
      spawnError ??= error;
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, exitSignal) => resolve({ code, signal: exitSignal }));
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4 * STDERR_TAIL_CHARS);
  });
  // Writes fail with EPIPE once ffmpeg is gone; its exit status tells the real story.
  child.stdin.on('error', () => undefined);

  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  let inputFailure: { error: unknown } | undefined;
  const pumped = writeToStdin(guardLength(peeked.replay, peeked.head), child.stdin).catch((error: unknown) => {
    inputFailure = { error };
    kill();
  });
  const onAbort = (): void => {
    kill();
    child.stdout.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      yield chunk;
    }
    const exit = await exited;
    await pumped;
    signal?.throwIfAborted();
    if (spawnError !== undefined) throw spawnFailure(spawnError, options.ffmpegPath ?? 'ffmpeg');
    if (inputFailure !== undefined) throw inputFailure.error;
    if (exit.code !== 0) {
      const how = exit.code === null ? `was killed by ${exit.signal ?? 'a signal'}` : `exited with code ${exit.code}`;
      throw new AudioFormatError(`ffmpeg could not convert the audio to ${describeTarget(target)}: it ${how}: ${tail(stderr)}`, {
        exitCode: exit.code,
        signal: exit.signal,
      });
    }
  } catch (error) {
    signal?.throwIfAborted();
    if (spawnError !== undefined) throw spawnFailure(spawnError, options.ffmpegPath ?? 'ffmpeg');
    if (inputFailure !== undefined) throw inputFailure.error;
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    kill();
    child.stdout.destroy();
    await exited;
  }
}

/** "mp3 24000 Hz mono 64 kbps", for messages. */
export function describeTarget(target: AudioSettings): string {
  const channels = target.channels === 1 ? 'mono' : 'stereo';
  const bitrate = target.format === 'mp3' ? ` ${Math.round((target.bitrate ?? DEFAULT_MP3_BITRATE) / 1000)} kbps` : '';
  return `${target.format} ${target.sampleRate} Hz ${channels}${bitrate}`;
}

/** The ffmpeg command line for one conversion (exported for tests and logs). */
export function ffmpegArguments(
  target: AudioSettings,
  options: Pick<TranscodeOptions, 'inputFormat' | 'inputSampleRate' | 'inputChannels'> & { exitOnDecodeError?: boolean } = {},
): string[] {
  const args = ['-hide_banner', '-nostats', '-loglevel', 'error'];
  // A decode error means damaged input: fail instead of converting what could be read.
  if (options.exitOnDecodeError !== false) args.push('-xerror');
  switch (options.inputFormat) {
    case 'pcm':
      if (options.inputSampleRate === undefined || options.inputChannels === undefined) {
        throw new AudioFormatError('raw pcm input needs inputSampleRate and inputChannels', options);
      }
      args.push('-f', 's16le', '-ar', String(options.inputSampleRate), '-ac', String(options.inputChannels));
      break;
    case 'wav':
    case 'mp3':
    case 'flac':
      args.push('-f', options.inputFormat);
      break;
    case undefined:
      break;
  }
  args.push('-i', 'pipe:0', '-map', '0:a:0', '-vn', '-sn', '-dn', '-map_metadata', '-1', '-flags', '+bitexact', '-fflags', '+bitexact');
  args.push('-ar', String(target.sampleRate), '-ac', String(target.channels));
  switch (target.format) {
    case 'mp3':
      args.push(
        '-c:a',
        'libmp3lame',
        '-b:a',
        String(target.bitrate ?? DEFAULT_MP3_BITRATE),
        '-write_xing',
        '0',
        '-id3v2_version',
        '0',
        '-f',
        'mp3',
      );
      break;
    case 'wav':
      args.push('-c:a', 'pcm_s16le', '-f', 'wav');
      break;
    case 'pcm':
      args.push('-c:a', 'pcm_s16le', '-f', 's16le');
      break;
    case 'flac':
      args.push('-c:a', 'flac', '-f', 'flac');
      break;
  }
  args.push('pipe:1');
  return args;
}

interface PeekedInput {
  head: AudioHead;
  /** The whole input again: the bytes read for the head, then the rest. */
  replay: AsyncIterable<Uint8Array>;
}

/**
 * Reads just enough of the input to know its head, keeping those bytes for the replay. Raw
 * pcm is not sniffed: its samples can look like anything (bytes FF FB are an mp3 sync and a
 * sample of -1025).
 */
async function peekHead(input: AsyncIterable<Uint8Array>, options: Pick<TranscodeOptions, 'inputFormat'>): Promise<PeekedInput> {
  if (options.inputFormat === 'pcm') return { head: { container: 'unknown' }, replay: input };
  const iterator = input[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  let head: AudioHead | undefined;
  while (head === undefined) {
    const step = await iterator.next();
    if (step.done === true) ended = true;
    else {
      buffered.push(step.value);
      length += step.value.length;
    }
    head = readAudioHead(Buffer.concat(buffered, length), ended || length >= MAX_HEAD_BYTES);
  }
  async function* replay(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      yield* buffered.splice(0);
      if (ended) return;
      for (;;) {
        const step = await iterator.next();
        if (step.done === true) {
          ended = true;
          return;
        }
        yield step.value;
      }
    } finally {
      if (!ended) await iterator.return?.();
    }
  }
  return { head, replay: replay() };
}

/**
 * Passes a wav through and fails at its end when fewer bytes came than its header declares,
 * or (length unknown, streamed) when it ends inside a sample frame: a file cut at a sample
 * boundary decodes "cleanly" otherwise, and ffmpeg is not asked to judge streamed wav.
 */
async function* guardLength(input: AsyncIterable<Uint8Array>, head: AudioHead): AsyncGenerator<Uint8Array, void, undefined> {
  let received = 0;
  for await (const chunk of input) {
    received += chunk.length;
    yield chunk;
  }
  if (head.container !== 'wav') return;
  if (head.declaredBytes !== undefined && received < head.declaredBytes) {
    throw new AudioFormatError(
      `the wav input ended after ${received} of the ${head.declaredBytes} bytes its header declares (cut short?)`,
      {
        received,
        declared: head.declaredBytes,
      },
    );
  }
  const { dataOffset, blockAlign } = head;
  if (head.declaredBytes === undefined && dataOffset !== undefined && blockAlign !== undefined && blockAlign > 0 && received > dataOffset) {
    const partial = (received - dataOffset) % blockAlign;
    if (partial !== 0) {
      throw new AudioFormatError(`the wav input ended inside a sample frame (${partial} of ${blockAlign} bytes; cut short?)`, {
        received,
        blockAlign,
      });
    }
  }
}

function matchesTarget(head: AudioHead, target: AudioSettings, options: TranscodeOptions): boolean {
  if (target.format === 'pcm') {
    return (
      head.container === 'unknown' &&
      options.inputFormat === 'pcm' &&
      options.inputSampleRate === target.sampleRate &&
      options.inputChannels === target.channels
    );
  }
  if (head.container !== target.format || head.sampleRate !== target.sampleRate || head.channels !== target.channels) return false;
  switch (target.format) {
    case 'mp3':
      return target.bitrate === undefined || head.bitrate === target.bitrate;
    case 'wav':
      return head.formatTag === 1 && head.bitsPerSample === 16;
    case 'flac':
      return head.bitsPerSample === 16;
  }
}

function spawnFailure(error: Error & { code?: unknown }, command: string): TtsBatchError {
  if (error.code === 'ENOENT') return new ConfigError(`ffmpeg was not found (${command}): ${INSTALL_HINT}`, command);
  return new TtsBatchError('FFMPEG_FAILED', `ffmpeg could not be started (${command}): ${error.message}`, {
    value: error.code,
    retryable: true,
  });
}

/** The end of ffmpeg's stderr on one line; it puts the cause last. */
function tail(stderr: string): string {
  const oneLine = stderr.trim().split(/\r?\n/).join(' | ');
  if (oneLine === '') return 'no message';
  return oneLine.length > STDERR_TAIL_CHARS ? `…${oneLine.slice(-STDERR_TAIL_CHARS)}` : oneLine;
}
