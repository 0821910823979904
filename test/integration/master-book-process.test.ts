import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { pollUntil } from '../support/poll-until.ts';

const PROBE = new URL('../support/master-probe.ts', import.meta.url).pathname;

let root: string;

beforeAll(async () => {
  await requireFfmpeg();
  root = await mkdtemp(join(tmpdir(), 'tts-batch-master-process-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Probe {
  pid: number;
  done: Promise<{ code: number | null; line: Record<string, unknown> }>;
}

async function startProbe(name: string, minutes: number): Promise<Probe & { dir: string }> {
  const dir = join(root, name);
  await mkdir(join(dir, 'tmp'), { recursive: true });
  const child = spawn(process.execPath, [PROBE, dir, String(minutes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => (out += text));
  const done = new Promise<{ code: number | null; line: Record<string, unknown> }>((resolve) => {
    child.once('close', (code) => resolve({ code, line: out.trim() === '' ? {} : (JSON.parse(out.trim()) as Record<string, unknown>) }));
  });
  return { pid: child.pid ?? -1, done, dir };
}

/** The mastering's ffmpeg processes (they read or write s16le) whose parent is `pid`. */
function ffmpegChildrenOf(pid: number): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are none
  }
  return out
    .split('\n')
    .filter((line) => /\bffmpeg\b.* s16le /.test(line))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('masterBook in its own process', () => {
  it('keeps memory flat: peak RSS for 30 minutes of audio is within 10% of 5 minutes', { timeout: 240_000 }, async () => {
    const short = await (await startProbe('short', 5)).done;
    const long = await (await startProbe('long', 30)).done;
    console.info('peak RSS (KiB)', JSON.stringify({ short: short.line, long: long.line }));
    expect(short.code).toBe(0);
    expect(long.code).toBe(0);
    const ratio = Number(long.line.maxRssKb) / Number(short.line.maxRssKb);
    // Holding the book would add 27 MB of PCM (30 min at 8 kHz, 16-bit) over a ~100 MB process.
    expect(ratio).toBeLessThanOrEqual(1.1);
    expect(Number(long.line.samples)).toBeGreaterThan(5 * Number(short.line.samples));
  });

  it('SIGTERM during mastering (the worker aborts its signal) leaves no ffmpeg and no temp file', { timeout: 120_000 }, async () => {
    const probe = await startProbe('sigterm', 60);
    const ffmpegs = await pollUntil(
      'ffmpeg running under the probe',
      () => Promise.resolve(ffmpegChildrenOf(probe.pid)),
      (pids) => pids.length > 0,
      60_000,
    );
    process.kill(probe.pid, 'SIGTERM');
    const ended = await probe.done;
    expect(ended.line).toEqual({ error: 'SIGTERM' });
    expect(ended.code).toBe(3);
    expect(ffmpegs.filter(alive)).toEqual([]);
    expect(await readdir(join(probe.dir, 'tmp'))).toEqual([]);
  });
});
