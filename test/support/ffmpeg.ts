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
