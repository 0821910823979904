import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLiveFfmpeg } from '../../src/audio/ffmpeg/live-processes.ts';
import { runTool, streamTool } from '../../src/audio/ffmpeg/run-tool.ts';
import { ConfigError } from '../../src/errors/config-error.ts';
import { FfmpegError } from '../../src/errors/ffmpeg-error.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { lavfiWav } from '../support/lavfi.ts';
import { pollUntil } from '../support/poll-until.ts';

const execFileAsync = promisify(execFile);
const RUN_TOOL = new URL('../../src/audio/ffmpeg/run-tool.ts', import.meta.url).pathname;

/** Endless noise to stdout: only a kill or an abort ends this run. */
const ENDLESS = ['-f', 'lavfi', '-i', 'anoisesrc=r=8000', '-f', 's16le', 'pipe:1'];
/** Endless noise at its own pace to nowhere, writing nothing to stdout or stderr: a closed pipe would not end it. */
const QUIET_ENDLESS = ['-v', 'error', '-nostats', '-re', '-f', 'lavfi', '-i', 'anoisesrc=r=8000', '-f', 'null', '-'];

let scratch: string;
let wav: string;
/** An ffmpeg wrapper that records its pid and arguments (exec keeps the pid), so tests can check the process died. */
let recording: string;
let log: string;

beforeAll(async () => {
  await requireFfmpeg();
  scratch = await mkdtemp(join(tmpdir(), 'tts-batch-run-tool-'));
  wav = join(scratch, 'book.wav');
  await lavfiWav(wav, { seconds: 1, sampleRate: 16_000, channels: 1 });
  log = join(scratch, 'runs');
  recording = join(scratch, 'ffmpeg');
  await writeFile(recording, `#!/bin/sh\necho "$$ $*" >> '${log}'\nexec ffmpeg "$@"\n`);
  await chmod(recording, 0o755);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The last run the wrapper recorded: its pid and its arguments. */
async function lastRun(): Promise<{ pid: number; args: string }> {
  const line = (await readFile(log, 'utf8')).trim().split('\n').at(-1) ?? '';
  const space = line.indexOf(' ');
  return { pid: Number(line.slice(0, space)), args: line.slice(space + 1) };
}

async function runsLogged(): Promise<number> {
  return (await readFile(log, 'utf8').catch(() => '')).split('\n').length;
}

/** R, S, Z (a zombie) …; undefined once the process is gone. */
async function stateOf(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}

/** Whether a process with this pid exists; a zombie (exited, not reaped) does. */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runTool / streamTool', () => {
  it('returns stdout and the stderr the measuring filters print, with -hide_banner and -nostdin put first', async () => {
    const { stderr } = await runTool({
      tool: 'ffmpeg',
      what: 'a measurement',
      args: ['-nostats', '-i', wav, '-af', 'ebur128', '-f', 'null', '-'],
      binary: recording,
    });
    expect(stderr).toMatch(/Integrated loudness:\s+I:\s+-?\d/);
    expect(stderr).not.toContain('ffmpeg version');
    expect((await lastRun()).args).toMatch(/^-hide_banner -nostdin -nostats /);
    // ffprobe has no -nostdin: it would refuse the option.
    const { stdout } = await runTool({
      tool: 'ffprobe',
      what: 'the wav',
      args: ['-v', 'error', '-show_entries', 'stream=sample_rate', '-of', 'json', wav],
    });
    expect(JSON.parse(stdout.toString('utf8'))).toEqual({ programs: [], streams: [{ sample_rate: '16000' }] });
  });

  it('keeps the last 64 KiB of stderr for a run that succeeds', async () => {
    const chatty = join(scratch, 'chatty');
    // 2,000 lines of 60 characters: 122,000 characters on stderr.
    await writeFile(chatty, `#!/bin/sh\ni=0\nwhile [ $i -lt 2000 ]; do i=$((i+1)); printf '%059d\\n' $i >&2; done\n`);
    await chmod(chatty, 0o755);
    const { stderr } = await runTool({ tool: 'ffmpeg', what: 'chatter', args: [], binary: chatty });
    expect(stderr.length).toBe(64 * 1024);
    expect(stderr.endsWith(`${'2000'.padStart(59, '0')}\n`)).toBe(true);
  });

  it("turns a non-zero exit into an FfmpegError with the tool, the work, the exit code and ffmpeg's own words", async () => {
    const missing = join(scratch, 'missing.wav');
    const error = await runTool({ tool: 'ffmpeg', what: 'the test output', args: ['-v', 'error', '-i', missing, '-f', 'null', '-'] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FfmpegError);
    const { failure, code, retryable, message } = error as FfmpegError;
    expect(failure).toMatchObject({ tool: 'ffmpeg', what: 'the test output', exitCode: 1, signal: null });
    expect(failure.stderrTail).toContain('No such file or directory');
    expect(message).toBe(`ffmpeg failed on the test output: it exited with code 1: ${failure.stderrTail}`);
    expect(code).toBe('FFMPEG_FAILED');
    expect(retryable, 'the same command fails the same way').toBe(false);
  });

  it('puts the last 600 characters of stderr on one line in the error', async () => {
    const failing = join(scratch, 'failing');
    await writeFile(failing, `#!/bin/sh\ni=0\nwhile [ $i -lt 200 ]; do i=$((i+1)); echo "complaint $i" >&2; done\nexit 3\n`);
    await chmod(failing, 0o755);
    const error = await runTool({ tool: 'ffmpeg', what: 'complaints', args: [], binary: failing }).catch((caught: unknown) => caught);
    const { stderrTail, exitCode } = (error as FfmpegError).failure;
    expect(exitCode).toBe(3);
    expect(stderrTail).not.toContain('\n');
    expect(stderrTail).toHaveLength(601);
    expect(stderrTail.startsWith('…')).toBe(true);
    expect(stderrTail.endsWith('complaint 199 | complaint 200')).toBe(true);
  });

  it('says how to install ffmpeg when the binary is missing, on PATH or at the path given', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(scratch, 'empty-bin');
    try {
      const error = await runTool({ tool: 'ffprobe', what: 'nothing', args: ['-version'] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe('ffprobe was not found on PATH: install ffmpeg (apt-get install ffmpeg)');
    } finally {
      process.env.PATH = path;
    }
    const nowhere = join(scratch, 'no-such-ffmpeg');
    const streamed = streamTool({ tool: 'ffmpeg', what: 'nothing', args: [], stdin: (async function* () {})(), binary: nowhere });
    await expect(streamed.next()).rejects.toThrow(`ffmpeg was not found (${nowhere}): install ffmpeg (apt-get install ffmpeg)`);
  });

  it('an abort kills the process and throws the reason once it is reaped', async () => {
    const controller = new AbortController();
    const reason = new Error('render cancelled');
    const error = await runTool({
      tool: 'ffmpeg',
      what: 'endless noise',
      args: ENDLESS,
      signal: controller.signal,
      binary: recording,
      onStdout: () => controller.abort(reason),
    }).catch((caught: unknown) => caught);
    expect(error).toBe(reason);
    const { pid } = await lastRun();
    expect(exists(pid), `ffmpeg ${pid} is still there (running or a zombie) after the abort`).toBe(false);
    await expect(runTool({ tool: 'ffmpeg', what: 'nothing', args: ['-version'], signal: controller.signal })).rejects.toBe(reason);
  });

  it('an abort of a run that writes nothing (-f null) throws the reason, not the kill', async () => {
    const controller = new AbortController();
    const reason = new Error('render cancelled');
    const before = await runsLogged();
    const running = runTool({ tool: 'ffmpeg', what: 'endless noise', args: QUIET_ENDLESS, signal: controller.signal, binary: recording });
    await pollUntil('ffmpeg started', runsLogged, (runs) => runs > before, 10_000, 5);
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(exists((await lastRun()).pid)).toBe(false);
  });

  it('a stdin the process has closed (EPIPE) is no error: the exit status tells the story', async () => {
    // Closes its stdin while the source still writes, lives on a moment (the writes fail with EPIPE), then exits 1.
    const closing = join(scratch, 'closing');
    await writeFile(closing, `#!/bin/sh\nexec 0<&-\necho 'closed its stdin' >&2\nsleep 1\nexit 1\n`);
    await chmod(closing, 0o755);
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        pulled += 1;
        yield new Uint8Array(1024);
      }
    }
    const error = await runTool({ tool: 'ffmpeg', what: 'a closed pipe', args: [], stdin: endless(), binary: closing }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FfmpegError);
    expect((error as FfmpegError).message).toBe('ffmpeg failed on a closed pipe: it exited with code 1: closed its stdin');
    expect(pulled, 'the source stops being read once the pipe is closed').toBeLessThan(1000);
  });

  it('rethrows a failing stdin source as it is, with ffmpeg killed and reaped', async () => {
    const broken = new Error('the storage read broke');
    const before = await runsLogged();
    async function* source(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(4096);
      // A read that fails on a later turn, as a network read does, once ffmpeg runs.
      await pollUntil('ffmpeg started', runsLogged, (runs) => runs > before, 10_000, 5);
      throw broken;
    }
    const run = runTool({
      tool: 'ffmpeg',
      what: 'a pipe',
      args: ['-f', 's16le', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-f', 'null', '-'],
      stdin: source(),
      binary: recording,
    });
    await expect(run).rejects.toBe(broken);
    const { pid, args } = await lastRun();
    expect(args, 'stdin is read: no -nostdin').toMatch(/^-hide_banner -f s16le /);
    expect(exists(pid)).toBe(false);
  });

  it('writes stdin only as fast as ffmpeg reads it, and a run that stops reading ends by its exit status', async () => {
    let pulled = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          await new Promise((resolve) => setImmediate(resolve));
          pulled += 64 * 1024;
          yield new Uint8Array(64 * 1024);
        }
      } finally {
        closed = true;
      }
    }
    // -re: ffmpeg reads at the audio's own pace (96 kB/s); -t: it stops after half a second and exits 0.
    await runTool({
      tool: 'ffmpeg',
      what: 'a slow reader',
      args: ['-re', '-f', 's16le', '-ar', '48000', '-ac', '1', '-i', 'pipe:0', '-t', '0.5', '-f', 'null', '-'],
      stdin: endless(),
    });
    // Unchecked, the source is pulled once a turn of the event loop for that half second: hundreds of MB.
    expect(pulled, `${pulled} bytes pulled for the 48,000 ffmpeg read`).toBeLessThan(1024 * 1024);
    expect(closed, 'the source is closed once ffmpeg stops reading').toBe(true);
  });

  it('killLiveFfmpeg kills every run in flight, which fails retryably', async () => {
    const error = await runTool({
      tool: 'ffmpeg',
      what: 'endless noise',
      args: ENDLESS,
      binary: recording,
      onStdout: killLiveFfmpeg,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FfmpegError);
    expect((error as FfmpegError).failure).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
    expect((error as FfmpegError).retryable, 'killed from outside: another try can work').toBe(true);
    expect(exists((await lastRun()).pid)).toBe(false);
  });

  it('a process exit kills the runs it leaves behind', async () => {
    // A node process that exits while its ffmpeg runs, as a worker's shutdown ends in process.exit.
    // This ffmpeg writes nothing to its pipes (-f null, quiet), so a closed pipe would not end it.
    const run = {
      tool: 'ffmpeg',
      what: 'noise',
      args: QUIET_ENDLESS,
      binary: recording,
    };
    const script = `
      import { readFileSync } from 'node:fs';
      import { runTool } from ${JSON.stringify(RUN_TOOL)};
      const runs = () => readFileSync(${JSON.stringify(log)}, 'utf8').split('\\n').length;
      const before = runs();
      void runTool(${JSON.stringify(run)}).catch(() => undefined);
      while (runs() === before) await new Promise((resolve) => setTimeout(resolve, 10));
      process.exit(0);
    `;
    await execFileAsync(process.execPath, ['--input-type=module', '-e', script]);
    const { pid } = await lastRun();
    try {
      // Orphaned, it is reaped by pid 1, if at all: dead is gone or a zombie. Left alive, it runs forever.
      await pollUntil(
        `ffmpeg ${pid} killed`,
        () => stateOf(pid),
        (state) => state === undefined || state === 'Z',
        5_000,
        20,
      );
    } finally {
      if (exists(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
