import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioFormatError } from '../errors/audio-format-error.ts';
import { blameInput } from './ffmpeg/blame-input.ts';
import { streamTool } from './ffmpeg/run-tool.ts';
import { trackFolder } from './ffmpeg/live-processes.ts';
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
  /** Where mp3 output is encoded before it is streamed (see encodeMp3ViaFile); the OS temp dir by default. */
  tempDir?: string;
}

/** mp3 output when the target names no bitrate. */
const DEFAULT_MP3_BITRATE = 128_000;
/** Chunks of an encoded mp3 read back from its temp file. */
const READ_SIZE = 64 * 1024;

/**
 * Converts audio to `target` through a child ffmpeg, streaming: input is written only as fast
 * as ffmpeg reads it and output read only as fast as the caller pulls, so memory stays bounded
 * whatever the length. mp3 comes out CBR (libmp3lame at `target.bitrate`), without ID3 tags,
 * led by a LAME Info frame holding the encoder delay and padding (gapless decoding cuts them);
 * it is encoded into a temp file and streamed from there once complete, see encodeMp3ViaFile.
 * wav comes out of stdout, 16-bit with the 0xFFFFFFFF sizes of a pipe (the stitcher clamps
 * them); pcm is s16le.
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
  // ffmpeg marks the short last read of a wav of unknown length "corrupt"; -xerror would fail
  // every streamed wav for it. Those are checked here instead (whole samples only).
  const exitOnDecodeError = !(peeked.head.container === 'wav' && peeked.head.declaredBytes === undefined);
  const run = (output: string): AsyncGenerator<Uint8Array, string, undefined> =>
    streamTool({
      tool: 'ffmpeg',
      what: `the conversion to ${describeTarget(target)}`,
      args: ffmpegArguments(target, { ...options, exitOnDecodeError, output }),
      stdin: guardLength(peeked.replay, peeked.head),
      signal: options.signal,
      binary: options.ffmpegPath,
    });
  try {
    if (target.format === 'mp3') yield* encodeMp3ViaFile(run, options);
    else yield* run('pipe:1');
  } catch (error) {
    throw blameInput(error, `could not convert the audio to ${describeTarget(target)}`);
  }
}

/**
 * mp3 is encoded into a file, then streamed from it: ffmpeg writes the LAME Info frame only to
 * output it can seek back into, once the last frame is known (on a pipe it writes none, even
 * with -write_xing 1). Without that frame nothing tells a decoder libmp3lame's delay and padding,
 * so every decoded segment kept them: measured on a 2 s wav at 24 kHz, 1,105 samples (46 ms)
 * of priming before the audio and 431 (18 ms) of padding after it, silence at every seam of a
 * mastered book. The raw mp3 stitcher drops each segment's Info frame (mp3-frame-walker.ts) and
 * takes the first one's delay and the last one's padding into its own. The price: nothing comes
 * out until ffmpeg is done, and the encoded file sits on disk meanwhile; it is removed on every
 * way out.
 */
async function* encodeMp3ViaFile(
  run: (output: string) => AsyncGenerator<Uint8Array, string, undefined>,
  options: Pick<TranscodeOptions, 'signal' | 'tempDir'>,
): AsyncGenerator<Uint8Array, void, undefined> {
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'tts-batch-mp3-'));
  // A process exit removes it too (live-processes.ts), as it does the mastering's.
  const untrack = trackFolder(dir);
  try {
    const path = join(dir, 'converted.mp3');
    const encoding = run(path);
    // ffmpeg writes to the file: stdout stays empty, and this only waits for a clean exit.
    while ((await encoding.next()).done !== true);
    options.signal?.throwIfAborted();
    const file = createReadStream(path, { highWaterMark: READ_SIZE });
    try {
      for await (const chunk of file as AsyncIterable<Buffer>) {
        options.signal?.throwIfAborted();
        yield chunk;
      }
    } finally {
      file.destroy();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    untrack();
  }
}

/** "mp3 24000 Hz mono 64 kbps", for messages. */
export function describeTarget(target: AudioSettings): string {
  const channels = target.channels === 1 ? 'mono' : 'stereo';
  const bitrate = target.format === 'mp3' ? ` ${Math.round((target.bitrate ?? DEFAULT_MP3_BITRATE) / 1000)} kbps` : '';
  return `${target.format} ${target.sampleRate} Hz ${channels}${bitrate}`;
}

/**
 * The ffmpeg command line for one conversion (exported for tests and logs). `output` is
 * `pipe:1` by default; mp3 asks for the LAME Info frame, which ffmpeg writes only to a file.
 */
export function ffmpegArguments(
  target: AudioSettings,
  options: Pick<TranscodeOptions, 'inputFormat' | 'inputSampleRate' | 'inputChannels'> & {
    exitOnDecodeError?: boolean;
    output?: string;
  } = {},
): string[] {
  const output = options.output ?? 'pipe:1';
  // run-tool.ts puts -hide_banner first. -y: a file output is never a question to ask on stdin.
  const args = output === 'pipe:1' ? ['-nostats', '-loglevel', 'error'] : ['-y', '-nostats', '-loglevel', 'error'];
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
        '1',
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
  args.push(output);
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
