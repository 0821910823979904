import { open } from 'node:fs/promises';
import { runTool, type ToolOutput } from '../audio/ffmpeg/run-tool.ts';
import { AudioFormatError } from '../errors/audio-format-error.ts';
import { measuringFilters, parseMeasurements, type Loudness, type SilenceSpan } from './parse-measurements.ts';

/**
 * A pause is what silencedetect finds under −50 dB for at least 0.2 s: room tone at ACX's −60 dB
 * floor counts as silence, the quietest speech does not.
 */
export const SILENCE_THRESHOLD_DB = -50;
const MIN_SILENCE_S = 0.2;

/** Everything the compliance report checks, measured on one encoded file. */
export interface FileMeasurement {
  loudness: Loudness;
  /** From decoded samples (astats' count), not the container's claim. */
  durationMs: number;
  sampleRate: number;
  channels: number;
  codec: string;
  /** Container bit rate, kbps; null when ffprobe gives none (wav gives one, pcm does not). */
  bitrateKbps: number | null;
  /** mp3: an Info tag (LAME's mark of a constant bit rate) rather than Xing; null for other codecs. */
  cbr: boolean | null;
  /** Silence at the very start and the very end (0 when the audio starts or ends with sound). */
  headSilenceMs: number;
  tailSilenceMs: number;
  silences: SilenceSpan[];
}

/**
 * Decodes the encoded file once with ffmpeg (`-af ebur128=peak=true,astats,silencedetect`) and
 * ffprobe's stream facts. Measured on the encoded output because encoding raises inter-sample
 * peaks (audio.md). Aborting kills ffprobe or ffmpeg, whichever runs, and throws the signal's reason.
 */
export async function measureLoudness(path: string, options: { signal?: AbortSignal; ffmpegPath?: string } = {}): Promise<FileMeasurement> {
  // ffprobe and the decode run side by side (for a short book each is mostly a process start).
  // The probe failing stops the decode and is what is reported, as when they ran one after the
  // other (a file with no audio stream: AudioFormatError); the probe, a header read, is always
  // waited for. Both have ended before this returns or throws.
  const probeFailed = new AbortController();
  const decodeSignal = options.signal === undefined ? probeFailed.signal : AbortSignal.any([options.signal, probeFailed.signal]);
  const probing = probeStream({ path, args: [path], signal: options.signal }).catch((error: unknown) => {
    probeFailed.abort(error);
    throw error;
  });
  const decoding = runTool({
    tool: 'ffmpeg',
    what: `measuring ${path}`,
    args: measuringArgs(['-i', path]),
    signal: decodeSignal,
    binary: options.ffmpegPath,
  });
  const [stream, decoded] = await bothEnded(probing, decoding);
  return measurementOf(stream, decoded.stderr, stream.codec === 'mp3' ? await hasInfoTag(path) : null);
}

/**
 * The probe's and the decode's results once both have ended (no process is left running when
 * this settles); when either failed, the probe's failure is the one reported.
 */
export async function bothEnded(probing: Promise<StreamFacts>, decoding: Promise<ToolOutput>): Promise<[StreamFacts, ToolOutput]> {
  const [probed, decoded] = await Promise.allSettled([probing, decoding]);
  if (probed.status === 'rejected') throw probed.reason;
  if (decoded.status === 'rejected') throw decoded.reason;
  return [probed.value, decoded.value];
}

/** The decode's command line after its input (`-i path`, or a raw format's options and `-i pipe:0`). */
export function measuringArgs(input: readonly string[]): string[] {
  return [
    '-nostats',
    ...input,
    '-map',
    '0:a:0',
    '-af',
    measuringFilters({ silence: { thresholdDb: SILENCE_THRESHOLD_DB, minSeconds: MIN_SILENCE_S } }),
    '-f',
    'null',
    '-',
  ];
}

/** What ffprobe says of a file's first audio stream. */
export interface StreamFacts {
  sampleRate: number;
  channels: number;
  codec: string;
  bitrateKbps: number | null;
}

/** The measurement from the probe's facts and the decode's stderr (measuringArgs' filters). */
export function measurementOf(stream: StreamFacts, stderr: string, cbr: boolean | null): FileMeasurement {
  const parsed = parseMeasurements(stderr);
  const durationMs = (parsed.samples / stream.sampleRate) * 1000;
  const head = parsed.silences.find((span) => span.startMs <= 1);
  // silencedetect closes a silence still open at the end at the last sample.
  const tailSpan = parsed.silences.at(-1);
  const tail = tailSpan !== undefined && durationMs - tailSpan.endMs <= 30 ? tailSpan : undefined;
  return {
    loudness: parsed.loudness,
    durationMs,
    ...stream,
    cbr,
    headSilenceMs: head === undefined ? 0 : head.endMs - head.startMs,
    tailSilenceMs: tail === undefined ? 0 : durationMs - tail.startMs,
    silences: parsed.silences,
  };
}

/**
 * ffprobe's facts of the first audio stream. `args` name the input: a path, or a raw format's
 * options and `pipe:0` with `stdin` (the first bytes of a file still being written).
 */
export async function probeStream(probe: {
  /** Names the input in messages. */
  path: string;
  args: readonly string[];
  stdin?: AsyncIterable<Uint8Array>;
  signal?: AbortSignal | undefined;
}): Promise<StreamFacts> {
  const { path } = probe;
  const { stdout } = await runTool({
    tool: 'ffprobe',
    what: `probing ${path}`,
    args: [
      '-v',
      'error',
      '-select_streams',
      'a:0',
      '-show_entries',
      'stream=codec_name,sample_rate,channels,bit_rate',
      '-of',
      'json',
      ...probe.args,
    ],
    stdin: probe.stdin,
    signal: probe.signal,
  });
  const parsed = JSON.parse(stdout.toString('utf8')) as {
    streams?: { codec_name?: string; sample_rate?: string; channels?: number; bit_rate?: string }[];
  };
  const audio = parsed.streams?.[0];
  const sampleRate = Number(audio?.sample_rate);
  if (audio === undefined || !Number.isFinite(sampleRate) || audio.channels === undefined) {
    throw new AudioFormatError(`ffprobe found no audio stream in ${path}`, path);
  }
  const bitrate = Number(audio.bit_rate);
  return {
    sampleRate,
    channels: audio.channels,
    codec: audio.codec_name ?? 'unknown',
    bitrateKbps: Number.isFinite(bitrate) ? Math.round(bitrate / 1000) : null,
  };
}

/** LAME writes "Info" in the first frame of a CBR file and "Xing" for VBR (after any ID3v2 tag); null: neither. */
async function hasInfoTag(path: string): Promise<boolean | null> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(10);
    await file.read(header, 0, 10, 0);
    // ID3v2 size is syncsafe (7 bits a byte), +10 for the header, +10 more with a footer.
    const tagBytes =
      header.toString('latin1', 0, 3) === 'ID3'
        ? 10 +
          ((header[6] ?? 0) << 21) +
          ((header[7] ?? 0) << 14) +
          ((header[8] ?? 0) << 7) +
          (header[9] ?? 0) +
          ((header[5] ?? 0) & 0x10 ? 10 : 0)
        : 0;
    const frame = Buffer.alloc(200);
    const { bytesRead } = await file.read(frame, 0, frame.length, tagBytes);
    const text = frame.subarray(0, bytesRead).toString('latin1');
    if (text.includes('Info')) return true;
    if (text.includes('Xing')) return false;
    return null;
  } finally {
    await file.close();
  }
}
