import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const INSTALL_HINT = 'install ffmpeg (apt-get install ffmpeg)';

let checked: Promise<void> | null = null;

/** Fails (never skips) when ffprobe/ffmpeg are missing: these checks are the point of the test. */
export function requireFfmpeg(): Promise<void> {
  checked ??= Promise.all([run('ffprobe', ['-version']), run('ffmpeg', ['-version'])]).then(
    () => undefined,
    (error: unknown) => {
      throw new Error(`ffprobe/ffmpeg not usable (${error instanceof Error ? error.message : String(error)}): ${INSTALL_HINT}`);
    },
  );
  return checked;
}

/** Writes `bytes` to a temporary file named with `extension`, runs `use`, removes the file. */
export async function withTempFile<T>(bytes: Uint8Array, extension: string, use: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tts-batch-audio-'));
  const path = join(dir, `audio.${extension}`);
  try {
    await writeFile(path, bytes);
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Container duration in seconds, as `ffprobe -show_entries format=duration` reports it. */
export async function ffprobeDurationSeconds(path: string, inputArgs: readonly string[] = []): Promise<number> {
  await requireFfmpeg();
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    ...inputArgs,
    '-show_entries',
    'format=duration',
    '-of',
    'default=nw=1:nk=1',
    path,
  ]);
  const seconds = Number.parseFloat(stdout.trim());
  if (!Number.isFinite(seconds)) throw new Error(`ffprobe gave no duration for ${path}: ${JSON.stringify(stdout)}`);
  return seconds;
}

export interface DecodeResult {
  /** Whatever ffmpeg printed at -v error: empty for a clean decode. */
  errors: string;
  /** Decoded s16le bytes. */
  pcmBytes: number;
}

/** Fully decodes the file (`ffmpeg -v error -i FILE -f s16le -`), counting output bytes and collecting errors. */
export async function ffmpegDecode(path: string, inputArgs: readonly string[] = []): Promise<DecodeResult> {
  await requireFfmpeg();
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-nostdin', '-v', 'error', ...inputArgs, '-i', path, '-f', 's16le', '-'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pcmBytes = 0;
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pcmBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && errors === '') errors = `ffmpeg exited with ${code}`;
      resolve({ errors, pcmBytes });
    });
  });
}

export interface ProbedChapter {
  startSeconds: number;
  endSeconds: number;
  title: string | undefined;
}

export async function ffprobeChapters(path: string): Promise<ProbedChapter[]> {
  await requireFfmpeg();
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_chapters', '-of', 'json', path]);
  const parsed = JSON.parse(stdout) as { chapters?: { start_time: string; end_time: string; tags?: { title?: string } }[] };
  return (parsed.chapters ?? []).map((chapter) => ({
    startSeconds: Number.parseFloat(chapter.start_time),
    endSeconds: Number.parseFloat(chapter.end_time),
    title: chapter.tags?.title,
  }));
}

export interface DecodedSamples {
  /** Whatever ffmpeg printed at -v error with -xerror (stop at the first damaged frame): empty for a clean decode. */
  errors: string;
  /** Every decoded sample, channels interleaved. */
  samples: Int16Array;
}

/**
 * Decodes the whole file to s16le samples (`ffmpeg -v error -xerror -i FILE -f s16le -`); for
 * tests' short files. `outputArgs` go after the input (`-ar 32000 -ac 1` to compare files of
 * other rates).
 */
export async function ffmpegDecodeSamples(
  path: string,
  inputArgs: readonly string[] = [],
  outputArgs: readonly string[] = [],
): Promise<DecodedSamples> {
  await requireFfmpeg();
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-xerror', ...inputArgs, '-i', path, ...outputArgs, '-f', 's16le', '-'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && errors === '') errors = `ffmpeg exited with ${code}`;
      const bytes = Buffer.concat(chunks);
      // A fresh copy: the concatenated buffer may sit at an odd offset in Node's pool.
      const samples = new Int16Array(bytes.length >> 1);
      new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 2));
      resolve({ errors, samples });
    });
  });
}

export interface DetectedSilence {
  startSeconds: number;
  endSeconds: number;
}

/**
 * The silences `ffmpeg -af silencedetect=n=…:d=…` reports, in order. A silence still running
 * at the end of the file has no silence_end line: it ends at the file's end (`endSeconds` Infinity).
 */
export async function ffmpegSilences(
  path: string,
  options: { noiseDb?: number; minSeconds?: number; inputArgs?: readonly string[] } = {},
): Promise<DetectedSilence[]> {
  await requireFfmpeg();
  const filter = `silencedetect=n=${options.noiseDb ?? -60}dB:d=${options.minSeconds ?? 0.1}`;
  const { stderr } = await run('ffmpeg', [
    '-nostdin',
    '-v',
    'info',
    '-nostats',
    ...(options.inputArgs ?? []),
    '-i',
    path,
    '-af',
    filter,
    '-f',
    'null',
    '-',
  ]);
  const silences: DetectedSilence[] = [];
  for (const match of stderr.matchAll(/silence_(start|end): (-?[\d.]+)/g)) {
    const seconds = Number.parseFloat(match[2] ?? '');
    if (match[1] === 'start') silences.push({ startSeconds: seconds, endSeconds: Number.POSITIVE_INFINITY });
    else {
      const open = silences.at(-1);
      if (open === undefined || open.endSeconds !== Number.POSITIVE_INFINITY) throw new Error(`silence_end without a start: ${stderr}`);
      open.endSeconds = seconds;
    }
  }
  return silences;
}
