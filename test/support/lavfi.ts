import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireFfmpeg } from './ffmpeg.ts';

const run = promisify(execFile);

export interface LavfiWavOptions {
  seconds: number;
  sampleRate: number;
  channels: 1 | 2;
  /** Default s16 (pcm_s16le); f32 writes pcm_f32le, as a mastering chain might. */
  sampleFormat?: 's16' | 'f32';
  /** Default a 440 Hz tone; noise is different at every sample, so a cut in the wrong place shows. */
  signal?: 'tone' | 'noise';
}

/** Writes a WAV made by ffmpeg's lavfi sources. */
export async function lavfiWav(path: string, options: LavfiWavOptions): Promise<void> {
  await requireFfmpeg();
  const source =
    options.signal === 'noise'
      ? `anoisesrc=seed=7:amplitude=0.3:sample_rate=${options.sampleRate}:duration=${options.seconds}`
      : `sine=frequency=440:sample_rate=${options.sampleRate}:duration=${options.seconds}`;
  const codec = options.sampleFormat === 'f32' ? 'pcm_f32le' : 'pcm_s16le';
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-ac', String(options.channels), '-c:a', codec, path]);
}

/** Writes a small solid-colour picture; the extension (.jpg, .png) picks the codec. */
export async function lavfiPicture(path: string, colour = 'red', size = '96x64'): Promise<void> {
  await requireFfmpeg();
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${colour}:s=${size}`, '-frames:v', '1', path]);
}

export interface ProbedFile {
  streams: {
    codec_type: string;
    codec_name: string;
    sample_rate?: string;
    channels?: number;
    bit_rate?: string;
    disposition?: { attached_pic?: number };
    tags?: Record<string, string>;
  }[];
  format: { format_name: string; tags?: Record<string, string> };
  chapters: { start_time: string; end_time: string; tags?: { title?: string } }[];
}

/** `ffprobe -show_streams -show_format -show_chapters -of json`. */
export async function ffprobeAll(path: string, inputArgs: readonly string[] = []): Promise<ProbedFile> {
  await requireFfmpeg();
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    ...inputArgs,
    '-show_streams',
    '-show_format',
    '-show_chapters',
    '-of',
    'json',
    path,
  ]);
  return JSON.parse(stdout) as ProbedFile;
}
