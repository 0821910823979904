/**
 * Where the mastering's memory goes (issue 11, `master.memory`): a child process that masters a
 * synthetic book of N segments through masterBook (and optionally encodeOutput to MP3 and M4B,
 * as bench/support/master-files.ts does) while sampling process.memoryUsage() every 250 ms, so
 * the growth can be split into JS heap (heapUsed), external/arrayBuffers (Buffers) and native
 * (rss − heapTotal − external: malloc arenas, libuv, V8 code space). Optionally writes a heap
 * snapshot once masterBook has returned (the tally and everything retained by then are still
 * reachable), to diff two sizes. Prints one JSON line: peaks, the last sample, maxRSS.
 *
 *   node --import tsx bench/support/master-memory-probe.ts <segments folder> <N> [--encode] [--snapshot FILE] [--series FILE]
 *
 * The folder holds s0.mp3, s1.mp3, s2.mp3 (bench/master-speed.ts's speech-like segments);
 * the book repeats them N times with 700 ms pauses.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { encodeOutput } from '../../src/master/encode/encode-output.ts';
import { masterBook } from '../../src/master/master-book.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';

interface Sample {
  t: number;
  stage: string;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const MB = 1024 * 1024;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  const folder = process.argv[2] ?? '';
  const count = Number(process.argv[3]);
  const encode = process.argv.includes('--encode');
  const snapshot = option('--snapshot');
  const seriesPath = option('--series');
  const series: Sample[] = [];
  let stage = 'idle';
  const started = performance.now();
  const sample = (): void => {
    const m = process.memoryUsage();
    series.push({ t: Math.round(performance.now() - started), stage, ...m });
  };
  sample();
  const timer = setInterval(sample, 250);
  const segmentKeys = Array.from({ length: count }, (_, index) => `s${index % 3}.mp3`);
  stage = 'master';
  const master = await masterBook({
    storage: new LocalStorage(folder),
    segmentKeys,
    segmentAudio: { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64_000 },
    pausesAfterMs: segmentKeys.map(() => 700),
    profile: 'audiobook',
    tempRoot: folder,
  });
  sample();
  const afterMaster = { ...process.memoryUsage(), maxRSS: process.resourceUsage().maxRSS * 1024 };
  if (snapshot !== undefined) writeHeapSnapshot(snapshot);
  try {
    if (encode) {
      for (const format of ['mp3', 'm4b'] as const) {
        stage = format;
        await encodeOutput({
          input: master.wavPath,
          outputPath: join(master.tempDir, `book.${format}`),
          format,
          chapters: [],
          tags: { title: 'probe' },
        });
      }
    }
  } finally {
    await master.dispose();
  }
  stage = 'end';
  sample();
  clearInterval(timer);
  const peak = (key: keyof Omit<Sample, 't' | 'stage'>): number =>
    Math.round((series.reduce((max, s) => Math.max(max, s[key]), 0) / MB) * 10) / 10;
  const stagePeaks: Record<string, number> = {};
  for (const s of series) stagePeaks[s.stage] = Math.max(stagePeaks[s.stage] ?? 0, Math.round((s.rss / MB) * 10) / 10);
  const mb = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;
  const native = series.map((s) => s.rss - s.heapTotal - s.external);
  if (seriesPath !== undefined) await writeFile(seriesPath, series.map((s) => JSON.stringify(s)).join('\n'));
  const last = series.at(-1);
  process.stdout.write(
    `${JSON.stringify({
      segments: count,
      audioHours: Math.round((master.durationMs / 3_600_000) * 1000) / 1000,
      maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
      afterMaster: Object.fromEntries(Object.entries(afterMaster).map(([k, v]) => [k, mb(v)])),
      peakMb: {
        rss: peak('rss'),
        heapTotal: peak('heapTotal'),
        heapUsed: peak('heapUsed'),
        external: peak('external'),
        arrayBuffers: peak('arrayBuffers'),
        native: mb(Math.max(...native)),
      },
      stagePeakRssMb: stagePeaks,
      lastMb: last === undefined ? null : { rss: mb(last.rss), heapUsed: mb(last.heapUsed), external: mb(last.external) },
      tally: master.segments.length,
      quietRuns: master.segments.reduce((n, s) => n + (s.quiet?.length ?? 0), 0),
    })}\n`,
  );
}

await main();
