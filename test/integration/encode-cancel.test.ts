import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLiveFfmpeg } from '../../src/audio/ffmpeg/live-processes.ts';
import { FfmpegError } from '../../src/errors/ffmpeg-error.ts';
import { encodeChapterFiles, encodeOutput } from '../../src/master/encode/encode-output.ts';
import { childProcesses } from '../support/child-processes.ts';
import { lavfiWav } from '../support/lavfi.ts';
import { pollUntil } from '../support/poll-until.ts';

/** Long enough that ffmpeg is still encoding when the test aborts (noise: no cheap frames). */
const INPUT_SECONDS = 240;

let scratch: string;
let input: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tts-batch-encode-cancel-'));
  input = join(scratch, 'book.wav');
  await lavfiWav(input, { seconds: INPUT_SECONDS, sampleRate: 44_100, channels: 1, signal: 'noise' });
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function ffmpegChildren(): Promise<string[]> {
  return (await childProcesses())
    .filter((child) => child.command === 'ffmpeg' || child.command === 'ffprobe')
    .map((c) => `${c.pid} ${c.state}`);
}

/** Bytes written so far by whatever is in the folder (the hidden partial file while ffmpeg runs). */
async function bytesIn(folder: string): Promise<number> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const sizes = await Promise.all(
    names.map((name) =>
      stat(join(folder, name)).then(
        (info) => info.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

/** Keeps measuring the folder until `settled` settles; returns the most bytes it held. */
async function largestUntilSettled(folder: string, settled: Promise<unknown>): Promise<number> {
  let done = false;
  void settled.finally(() => {
    done = true;
  });
  let largest = 0;
  while (!done) largest = Math.max(largest, await bytesIn(folder));
  return largest;
}

/** Bytes of the hidden `.NAME.RANDOM.partial` file ffmpeg writes (not the metadata file written before it starts). */
async function partialBytes(folder: string): Promise<number> {
  const names = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith('.partial'));
  const sizes = await Promise.all(
    names.map((name) =>
      stat(join(folder, name)).then(
        (info) => info.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

/** Starts encoding the whole input to one m4b in `folder`; returns (its outcome, settled) once ffmpeg has written part of it. */
async function startLongEncode(folder: string, signal: AbortSignal | undefined): Promise<{ outcome: Promise<unknown> }> {
  const outcome = encodeOutput({
    input,
    outputPath: join(folder, 'book.m4b'),
    format: 'm4b',
    chapters: [{ title: 'All', startMs: 0, endMs: INPUT_SECONDS * 1000 }],
    tags: { title: 'Long' },
    ...(signal === undefined ? {} : { signal }),
  }).then(
    () => 'resolved',
    (error: unknown) => error,
  );
  await pollUntil(
    'ffmpeg has written part of the output',
    () => partialBytes(folder),
    (bytes) => bytes > 0,
    30_000,
    20,
  );
  return { outcome };
}

describe('cancelling an encode', () => {
  it('kills ffmpeg mid-write, reaps it, removes the partial file and rejects with the reason', async () => {
    const folder = join(scratch, 'one');
    await mkdir(folder);
    const controller = new AbortController();
    const reason = new Error('render cancelled');
    const { outcome } = await startLongEncode(folder, controller.signal);
    expect(await ffmpegChildren(), 'ffmpeg is running').not.toEqual([]);
    const beforeAbort = await bytesIn(folder);
    controller.abort(reason);
    const afterAbort = await largestUntilSettled(folder, outcome);
    expect(await outcome).toBe(reason);
    // Killed at once, ffmpeg writes nothing more (a buffer already on its way at most); left
    // running, it would write the rest of the book (about 2 MB) before anyone noticed.
    expect(afterAbort - beforeAbort, 'bytes written after the abort').toBeLessThan(256 * 1024);
    expect(await ffmpegChildren(), 'no ffmpeg left, not even a zombie').toEqual([]);
    expect(await readdir(folder), 'no partial output').toEqual([]);
  });

  it('a shutdown that cannot wait (killLiveFfmpeg) kills the encoding ffmpeg too; the encode fails retryably, leaving nothing', async () => {
    const folder = join(scratch, 'killed');
    await mkdir(folder);
    const { outcome } = await startLongEncode(folder, undefined);
    killLiveFfmpeg();
    const error = await outcome;
    expect(error).toBeInstanceOf(FfmpegError);
    expect((error as FfmpegError).failure).toMatchObject({ tool: 'ffmpeg', what: 'the m4b output', exitCode: null, signal: 'SIGKILL' });
    expect((error as FfmpegError).retryable, 'another worker can encode it again').toBe(true);
    expect(await ffmpegChildren()).toEqual([]);
    expect(await readdir(folder), 'no partial output').toEqual([]);
  });

  it('removes the chapter files already written when aborted during a later one', async () => {
    const folder = join(scratch, 'split');
    const controller = new AbortController();
    const reason = new Error('render cancelled');
    const half = (INPUT_SECONDS * 1000) / 2;
    const encoding = encodeChapterFiles(
      {
        input,
        outputPath: '',
        format: 'mp3',
        chapters: [
          { title: 'First', startMs: 0, endMs: 2_000 },
          { title: 'Second', startMs: 2_000, endMs: half },
          { title: 'Third', startMs: half, endMs: INPUT_SECONDS * 1000 },
        ],
        tags: { title: 'Long' },
        signal: controller.signal,
      },
      folder,
    );
    const outcome = encoding.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await pollUntil(
      'the first chapter file is written and the second is being encoded',
      () => readdir(folder).catch(() => [] as string[]),
      (names) => names.includes('01 - First.mp3') && names.some((name) => name.startsWith('.02 - Second.mp3.')),
      30_000,
      20,
    );
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    expect(await ffmpegChildren()).toEqual([]);
    expect(await readdir(folder), 'all or nothing: no chapter file stays').toEqual([]);
  });
});
