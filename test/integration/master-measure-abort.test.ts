import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureLoudness } from '../../src/master/measure-loudness.ts';
import { childProcesses } from '../support/child-processes.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { pollUntil } from '../support/poll-until.ts';

let scratch: string;

beforeAll(async () => {
  await requireFfmpeg();
  scratch = await mkdtemp(join(tmpdir(), 'tts-batch-measure-abort-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/**
 * Measures a FIFO nobody writes (ffprobe and ffmpeg block opening it: only the abort ends them),
 * aborts once every command in `running` is seen, and returns what the measure rejected with.
 */
async function abortedOnFifo(name: string, running: readonly string[], reason: Error): Promise<unknown> {
  const fifo = join(scratch, name);
  execFileSync('mkfifo', [fifo]);
  const controller = new AbortController();
  const measuring = measureLoudness(fifo, { signal: controller.signal }).then(
    () => 'resolved',
    (error: unknown) => error,
  );
  await pollUntil(
    `${running.join(' and ')} waiting on the FIFO`,
    async () => (await childProcesses()).map((child) => child.command),
    (commands) => running.every((command) => commands.includes(command)),
    10_000,
    10,
  );
  controller.abort(reason);
  return measuring;
}

describe('measureLoudness, aborted', () => {
  it('kills the ffprobe it is waiting for, reaps it and rejects with the reason', async () => {
    const reason = new Error('render cancelled');
    expect(await abortedOnFifo('book.mp3', ['ffprobe'], reason)).toBe(reason);
    expect(await childProcesses(), 'no ffprobe left, not even a zombie').toEqual([]);
  });

  it('kills the ffprobe and the ffmpeg both, when they run side by side on a FIFO', async () => {
    const reason = new Error('render cancelled');
    expect(await abortedOnFifo('book.wav', ['ffprobe', 'ffmpeg'], reason)).toBe(reason);
    expect(await childProcesses(), 'neither left, not even a zombie').toEqual([]);
  });
});

describe('measureLoudness, a file with no audio', () => {
  it("reports the probe's failure every time, not whichever of the two steps failed first", async () => {
    const text = join(scratch, 'notes.wav');
    await writeFile(text, 'this is not audio at all\n'.repeat(200));
    for (let round = 0; round < 5; round += 1) {
      const error = await measureLoudness(text).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(String(error), `round ${round}`).toMatch(/^FfmpegError: ffprobe failed on probing /);
    }
    expect(await childProcesses(), 'no ffprobe or ffmpeg left').toEqual([]);
  });
});
