import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireFfmpeg, withTempFile } from '../../support/ffmpeg.ts';

const run = promisify(execFile);

/** What ffprobe says about the first audio stream of some bytes, plus the container's duration. */
export interface ProbedAudio {
  formatName: string;
  codec: string;
  sampleRate: number;
  channels: number;
  /** bits/s as ffprobe reports it (absent for some containers). */
  bitRate: number | undefined;
  durationSeconds: number;
}

export async function probeAudio(bytes: Uint8Array, extension: string, inputArgs: readonly string[] = []): Promise<ProbedAudio> {
  await requireFfmpeg();
  return withTempFile(bytes, extension, async (path) => {
    const { stdout } = await run('ffprobe', ['-v', 'error', ...inputArgs, '-show_streams', '-show_format', '-of', 'json', path]);
    const parsed = JSON.parse(stdout) as {
      streams?: { codec_type?: string; codec_name?: string; sample_rate?: string; channels?: number; bit_rate?: string }[];
      format?: { format_name?: string; duration?: string };
    };
    const stream = parsed.streams?.find((candidate) => candidate.codec_type === 'audio');
    if (!stream) throw new Error(`ffprobe found no audio stream in ${bytes.length} bytes: ${stdout}`);
    return {
      formatName: parsed.format?.format_name ?? '',
      codec: stream.codec_name ?? '',
      sampleRate: Number(stream.sample_rate),
      channels: stream.channels ?? 0,
      bitRate: stream.bit_rate === undefined ? undefined : Number(stream.bit_rate),
      durationSeconds: Number(parsed.format?.duration),
    };
  });
}
