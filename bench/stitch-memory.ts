/**
 * Does stitching memory stay flat as books get longer? Stitches synthetic 1-, 4- and 16-hour
 * books, each in a fresh child process (maxRSS is a lifetime peak), and prints peak RSS, the
 * ratios to the 1-hour book and throughput.
 *
 *   node --import tsx bench/stitch-memory.ts [--segment-seconds 60]
 *
 * One segment is encoded once (in the parent: lamejs' own memory must not count) and served
 * for every key, so the run measures the stitcher. The output is counted and dropped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AudioSettings } from '../src/audio/audio-settings.ts';
import { TtsBatchError } from '../src/errors/tts-batch-error.ts';
import { stitch } from '../src/stitcher/stitch.ts';
import type { ObjectInfo, Storage } from '../src/storage/storage.ts';
import { synthAudio } from '../test/support/audio-synth.ts';

interface ChildResult {
  format: string;
  hours: number;
  segments: number;
  baselineRssMb: number;
  peakRssMb: number;
  seconds: number;
  inputMb: number;
  outputMb: number;
  durationHours: number;
}

const CHUNK = 64 * 1024;

/** Serves the same bytes for every key; put only counts what it is given. */
class RepeatingStorage implements Storage {
  readonly url = 'memory://bench';
  readonly #segment: Uint8Array;
  readBytes = 0;

  constructor(segment: Uint8Array) {
    this.#segment = segment;
  }

  head(): Promise<ObjectInfo | null> {
    return Promise.resolve({ size: this.#segment.length });
  }

  async put(_key: string, body: AsyncIterable<Uint8Array>): Promise<ObjectInfo> {
    let size = 0;
    for await (const chunk of body) size += chunk.length;
    return { size };
  }

  get(key: string): AsyncIterable<Uint8Array> {
    const segment = this.#segment;
    const countRead = (bytes: number): void => {
      this.readBytes += bytes;
    };
    if (!key.startsWith('segments/')) throw new TtsBatchError('NOT_FOUND', `no object at ${key}`, { value: key });
    return {
      async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
        for (let offset = 0; offset < segment.length; offset += CHUNK) {
          const chunk = segment.subarray(offset, offset + CHUNK);
          countRead(chunk.length);
          yield await Promise.resolve(chunk);
        }
      },
    };
  }

  delete(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function runChild(format: 'mp3' | 'wav', hours: number, segmentSeconds: number, segmentFile: string): Promise<ChildResult> {
  const audio: AudioSettings = format === 'mp3' ? { format, sampleRate: 24000, channels: 1, bitrate: 64000 } : { format, sampleRate: 24000, channels: 1 };
  const segment = new Uint8Array(readFileSync(segmentFile));
  const storage = new RepeatingStorage(segment);
  const count = Math.round((hours * 3600) / segmentSeconds);
  const keys = Array.from({ length: count }, (_, index) => `segments/${index}.${format}`);
  const baseline = process.resourceUsage().maxRSS * 1024;
  const started = performance.now();
  const result = await stitch({ storage, segmentKeys: keys, audio, outputKey: `book.${format}` });
  const seconds = (performance.now() - started) / 1000;
  return {
    format,
    hours,
    segments: count,
    baselineRssMb: mb(baseline),
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    seconds: Math.round(seconds * 100) / 100,
    inputMb: mb(storage.readBytes),
    outputMb: mb(result.bytes),
    durationHours: Math.round((result.durationMs / 3_600_000) * 1000) / 1000,
  };
}

function spawnChild(format: string, hours: number, segmentSeconds: number, segmentFile: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', format, String(hours), String(segmentSeconds), segmentFile], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`child ${format} ${hours}h failed (${child.status}): ${child.stderr}`);
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ChildResult;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const result = await runChild(args[1] === 'wav' ? 'wav' : 'mp3', Number(args[2]), Number(args[3]), args[4] ?? '');
    console.log(JSON.stringify(result));
    return;
  }
  const secondsIndex = args.indexOf('--segment-seconds');
  const segmentSeconds = secondsIndex >= 0 ? Number(args[secondsIndex + 1]) : 60;
  const dir = mkdtempSync(join(tmpdir(), 'stitch-bench-'));
  try {
    for (const format of ['mp3', 'wav'] as const) {
      const segmentFile = join(dir, `segment.${format}`);
      writeFileSync(segmentFile, synthAudio(format, { durationMs: segmentSeconds * 1000, sampleRate: 24000, channels: 1, bitrate: 64000, xing: true, id3: true }));
      report(format, [1, 4, 16].map((hours) => spawnChild(format, hours, segmentSeconds, segmentFile)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(format: string, results: ChildResult[]): void {
  for (const r of results) {
    // Both passes read every segment: input MB counts them both.
    console.log(
      `${format} ${r.hours}h (${r.segments} segments, ${r.durationHours} h counted): peak RSS ${r.peakRssMb} MB (before stitching ${r.baselineRssMb} MB), ` +
        `${r.seconds} s, output ${r.outputMb} MB at ${Math.round((r.outputMb / r.seconds) * 10) / 10} MB/s, read ${r.inputMb} MB at ${Math.round((r.inputMb / r.seconds) * 10) / 10} MB/s`,
    );
  }
  const [one, ...longer] = results;
  if (one === undefined) return;
  const growth = (r: ChildResult): string => `${Math.round((r.peakRssMb - r.baselineRssMb) * 10) / 10} MB`;
  for (const r of longer) {
    // GC timing makes single runs noisy by tens of MB; what matters is no growth with length.
    console.log(
      `${format} peak RSS ratio ${r.hours}h/1h: ${Math.round((r.peakRssMb / one.peakRssMb) * 100) / 100} ` +
        `(growth while stitching: ${growth(one)} for 1h, ${growth(r)} for ${r.hours}h)`,
    );
  }
}

await main();
