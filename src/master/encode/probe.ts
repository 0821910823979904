import { stat } from 'node:fs/promises';
import { runTool } from '../../audio/ffmpeg/run-tool.ts';
import { AudioFormatError } from '../../errors/audio-format-error.ts';
import { EncodeError } from '../../errors/encode-error.ts';
import { FfmpegError } from '../../errors/ffmpeg-error.ts';
import { InputError } from '../../errors/input-error.ts';
import type { OutputFormat } from './output-formats.ts';

/** The mastered book as ffprobe sees it. */
export interface InputAudio {
  path: string;
  sampleRate: number;
  channels: number;
  /** `pcm_s16le`, `pcm_f32le`, … */
  codec: string;
  /** From the header, or the file size where the header's sizes are placeholders. */
  durationMs: number;
}

interface ProbedStream {
  codec_name?: string;
  sample_rate?: string;
  channels?: number;
  duration_ts?: number;
  time_base?: string;
  duration?: string;
}

interface Probed {
  streams?: ProbedStream[];
  format?: { format_name?: string; duration?: string };
}

async function ffprobeJson(path: string, inputArgs: readonly string[], what: string, signal: AbortSignal | undefined): Promise<Probed> {
  const { stdout } = await runTool({
    tool: 'ffprobe',
    what,
    args: [
      '-v',
      'error',
      ...inputArgs,
      '-select_streams',
      'a:0',
      '-show_entries',
      'stream=codec_name,sample_rate,channels,duration_ts,time_base,duration:format=format_name,duration',
      '-of',
      'json',
      path,
    ],
    signal,
  });
  return JSON.parse(stdout.toString('utf8')) as Probed;
}

/** Reads the input's layout; fails on a missing file or anything but PCM in WAV. */
export async function probeInput(path: string, signal: AbortSignal | undefined): Promise<InputAudio> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new InputError('input', `${path} is not a file`, path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('input', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path);
  }
  let probed: Probed;
  try {
    probed = await ffprobeJson(path, [], 'the input', signal);
  } catch (error) {
    if (!(error instanceof FfmpegError)) throw error;
    throw new AudioFormatError(`input: ${path} is not audio ffprobe can read: ${error.failure.stderrTail}`, path);
  }
  const stream = probed.streams?.[0];
  const formatName = probed.format?.format_name ?? 'unknown';
  if (formatName !== 'wav' || stream?.codec_name?.startsWith('pcm_') !== true) {
    throw new AudioFormatError(`input: ${path} must be PCM in WAV; found ${stream?.codec_name ?? 'no audio'} in ${formatName}`, path);
  }
  const sampleRate = Number(stream.sample_rate);
  const seconds = Number(stream.duration ?? probed.format?.duration);
  if (!Number.isFinite(sampleRate) || sampleRate <= 0 || !Number.isFinite(seconds) || stream.channels === undefined) {
    throw new AudioFormatError(`input: ffprobe reads no sample rate, channels or length in ${path}`, path);
  }
  return { path, sampleRate, channels: stream.channels, codec: stream.codec_name, durationMs: seconds * 1000 };
}

/** How raw PCM is laid out: a pcm file has no header to say it. */
export interface PcmLayout {
  sampleRate: number;
  channels: number;
}

export interface MeasuredOutput {
  durationMs: number;
  sampleRate: number;
  channels: number;
}

/**
 * Decodes the whole written file and counts its samples: the length a listener hears, and a
 * check that every frame decodes (-xerror). ffmpeg 5.1 trims MP3's LAME delay and padding and
 * Opus's pre-skip and end trim, but not the AAC padding an MP4 edit list leaves out (up to 1023
 * samples): for m4b the edit list's length caps the count, as players stop there.
 */
export async function measureOutput(
  path: string,
  format: OutputFormat,
  pcm: PcmLayout,
  what: string,
  signal: AbortSignal | undefined,
): Promise<MeasuredOutput> {
  const inputArgs = format === 'pcm' ? ['-f', 's16le', '-ar', String(pcm.sampleRate), '-ac', String(pcm.channels)] : [];
  const probed = await ffprobeJson(path, inputArgs, what, signal);
  const stream = probed.streams?.[0];
  const sampleRate = Number(stream?.sample_rate);
  const channels = stream?.channels ?? 0;
  if (!Number.isFinite(sampleRate) || sampleRate <= 0 || channels <= 0) {
    throw new EncodeError(`${what} has no audio stream ffprobe can read`, what, probed);
  }
  // ffmpeg counts the decoded bytes itself (-progress's total_size: what the s16le muxer wrote,
  // exact, to /dev/null): piped into Node, a 10-hour book's 1.7 GB per output came as a fresh
  // Buffer per read, garbage that raised the process's peak RSS with the book's length (issue
  // 11, master.memory; decode-file.ts).
  const { stdout } = await runTool({
    tool: 'ffmpeg',
    what: `decoding ${what}`,
    args: [
      '-v',
      'error',
      '-nostats',
      '-progress',
      'pipe:1',
      '-xerror',
      ...inputArgs,
      '-i',
      path,
      '-map',
      '0:a:0',
      '-c:a',
      'pcm_s16le',
      '-f',
      's16le',
      '-y',
      '/dev/null',
    ],
    signal,
  });
  const decodedBytes = lastTotalSize(stdout.toString('utf8'));
  if (decodedBytes === undefined)
    throw new EncodeError(`decoding ${what} reported no decoded size`, what, stdout.toString('utf8').slice(-300));
  let samples = decodedBytes / (2 * channels);
  if (format === 'm4b' && stream?.duration_ts !== undefined && stream.time_base === `1/${sampleRate}`) {
    samples = Math.min(samples, stream.duration_ts);
  }
  return { durationMs: (samples * 1000) / sampleRate, sampleRate, channels };
}

/** The last `total_size=` of ffmpeg's -progress report (the final one comes after the trailer). */
function lastTotalSize(progress: string): number | undefined {
  let found: number | undefined;
  for (const match of progress.matchAll(/^total_size=(\d+)$/gm)) found = Number(match[1]);
  return found;
}
