import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ffmpegDecode, requireFfmpeg } from './ffmpeg.ts';

// Measurements of delivered files made by the test itself (ffmpeg/ffprobe, audio.md), never by
// the code under test (src/master/measure-loudness.ts), so a wrong parser cannot pass itself.

const run = promisify(execFile);

export interface MeasuredLevels {
  /** astats "RMS level dB" of the Overall block. */
  rmsDb: number;
  /** ebur128 summary "True peak: Peak:". */
  truePeakDbtp: number;
}

function decibels(text: string | undefined, what: string, stderr: string): number {
  const value = text === '-inf' ? Number.NEGATIVE_INFINITY : Number.parseFloat(text ?? '');
  if (Number.isNaN(value)) throw new Error(`ffmpeg printed no ${what}: ${stderr.slice(-400)}`);
  return value;
}

/** `ffmpeg -nostats -i F -af ebur128=peak=true,astats -f null -`: the whole file's RMS and true peak. */
export async function ffmpegLevels(path: string): Promise<MeasuredLevels> {
  await requireFfmpeg();
  const { stderr } = await run(
    'ffmpeg',
    ['-nostdin', '-nostats', '-i', path, '-map', '0:a:0', '-af', 'ebur128=peak=true,astats', '-f', 'null', '-'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const truePeak = /True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1];
  const overall = stderr.slice(stderr.lastIndexOf('Overall'));
  const rms = /RMS level dB: (-?[\d.]+|-inf)/.exec(overall)?.[1];
  return { rmsDb: decibels(rms, 'RMS level', stderr), truePeakDbtp: decibels(truePeak, 'true peak', stderr) };
}

export interface ProbedAudioStream {
  codec: string;
  sampleRate: number;
  channels: number;
  bitRate: number;
}

export async function ffprobeAudioStream(path: string): Promise<ProbedAudioStream> {
  await requireFfmpeg();
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'a:0',
    '-show_entries',
    'stream=codec_name,sample_rate,channels,bit_rate',
    '-of',
    'json',
    path,
  ]);
  const stream = (JSON.parse(stdout) as { streams: { codec_name: string; sample_rate: string; channels: number; bit_rate: string }[] })
    .streams[0];
  if (stream === undefined) throw new Error(`ffprobe found no audio stream in ${path}`);
  return { codec: stream.codec_name, sampleRate: Number(stream.sample_rate), channels: stream.channels, bitRate: Number(stream.bit_rate) };
}

/** Sizes of every audio packet (MP3: every frame after the Xing/Info frame, which the demuxer skips). */
export async function ffprobePacketSizes(path: string): Promise<number[]> {
  await requireFfmpeg();
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'packet=size', '-of', 'json', path], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as { packets: { size: string }[] }).packets.map((packet) => Number(packet.size));
}

/**
 * The tag LAME writes in the first MP3 frame: "Info" for a constant bit rate, "Xing" for a
 * variable one. Reads past an ID3v2 tag (syncsafe size, + 10 for the header, + 10 with a footer)
 * to the first frame sync and looks inside that frame only.
 */
export async function mp3FirstFrameTag(path: string): Promise<'Info' | 'Xing' | null> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(10);
    await file.read(head, 0, 10, 0);
    const size = (i: number): number => head[i] ?? 0;
    const tagBytes =
      head.toString('latin1', 0, 3) === 'ID3'
        ? 10 + (size(6) << 21) + (size(7) << 14) + (size(8) << 7) + size(9) + (size(5) & 0x10 ? 10 : 0)
        : 0;
    const frame = Buffer.alloc(256);
    const { bytesRead } = await file.read(frame, 0, frame.length, tagBytes);
    if (bytesRead < 4 || frame[0] !== 0xff || ((frame[1] ?? 0) & 0xe0) !== 0xe0) {
      throw new Error(`${path}: no MP3 frame right after the ${tagBytes}-byte ID3 tag`);
    }
    const text = frame.subarray(0, bytesRead).toString('latin1');
    if (text.includes('Info')) return 'Info';
    if (text.includes('Xing')) return 'Xing';
    return null;
  } finally {
    await file.close();
  }
}

/** Decodes the file with ffmpeg and counts samples: the length a player plays, in ms. */
export async function decodedDurationMs(path: string, sampleRate: number, channels: number): Promise<number> {
  const decoded = await ffmpegDecode(path, []);
  if (decoded.errors !== '') throw new Error(`${path} does not decode cleanly: ${decoded.errors}`);
  return (decoded.pcmBytes / (2 * channels) / sampleRate) * 1000;
}
