import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FfmpegError } from '../../src/errors/ffmpeg-error.ts';
import { runFfmpeg } from '../../src/master/run-ffmpeg.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';

/** ffmpeg processes whose parent is this test process, zombies included. */
function ffmpegChildren(): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('ffmpeg'));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

describe('runFfmpeg', () => {
  it("turns a failing ffmpeg into an FfmpegError with the step, the exit code and ffmpeg's own words", async () => {
    await requireFfmpeg();
    const error = await runFfmpeg({ step: 'measure', args: ['-i', '/nonexistent/book.wav', '-f', 'null', '-'] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FfmpegError);
    expect((error as FfmpegError).retryable).toBe(true);
    expect((error as FfmpegError).message).toMatch(/^ffmpeg \(measure\) exited with code 1: .*No such file or directory/);
  });

  it('rethrows a failing stdin source as it is, with ffmpeg stopped', async () => {
    async function* source(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(4096);
      await new Promise((resolve) => setImmediate(resolve)); // a read that fails on a later turn, as a network read does
      throw new Error('the storage read broke');
    }
    await expect(
      runFfmpeg({ step: 'measure', args: ['-f', 's16le', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-f', 'null', '-'], stdin: source() }),
    ).rejects.toThrow('the storage read broke');
  });

  it('an abort kills ffmpeg and rejects with the reason, after the process is gone', async () => {
    const controller = new AbortController();
    // An endless source: only the abort ends this run.
    const running = runFfmpeg({
      step: 'master',
      args: ['-f', 'lavfi', '-i', 'anoisesrc=r=8000', '-f', 'null', '-'],
      signal: controller.signal,
    });
    setImmediate(() => controller.abort(new Error('stop')));
    await expect(running).rejects.toThrow('stop');
    expect(ffmpegChildren()).toEqual([]);
  });
});
