/**
 * Child process for the stitch benchmark: stitches `count` segment files under `root` with
 * src/stitcher/stitch.ts and LocalStorage, and prints one JSON line with the stitch's own time
 * and this process's peak RSS. A process of its own, so maxRSS is the stitch's and nothing else's.
 *
 *   node --import tsx bench/support/stitch-files.ts <root> <count> <audio-json>
 */
import type { AudioSettings } from '../../src/audio/audio-settings.ts';
import { stitch } from '../../src/stitcher/stitch.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';

export interface StitchFilesResult {
  stitchMs: number;
  /** CPU time (user + system) this process spent in the stitch call. */
  cpuMs: number;
  /** Peak RSS of this process, before and after stitching (KiB). */
  maxRssKbBefore: number;
  maxRssKb: number;
  bytes: number;
  durationMs: number;
}

export const STITCH_OUTPUT_KEY = 'stitched/audio.mp3';

export function segmentFileKey(index: number, format: string): string {
  return `segments/${String(index).padStart(6, '0')}.${format}`;
}

async function main(): Promise<void> {
  const [root = '', countText = '0', audioJson = '{}'] = process.argv.slice(2);
  const audio = JSON.parse(audioJson) as AudioSettings;
  const storage = new LocalStorage(root);
  const segmentKeys = Array.from({ length: Number(countText) }, (_, index) => segmentFileKey(index, audio.format));
  const maxRssKbBefore = process.resourceUsage().maxRSS;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await stitch({ storage, segmentKeys, audio, outputKey: STITCH_OUTPUT_KEY });
  const stitchMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const line: StitchFilesResult = {
    stitchMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKbBefore,
    maxRssKb: process.resourceUsage().maxRSS,
    bytes: result.bytes,
    durationMs: result.durationMs,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

if (process.argv[1]?.endsWith('stitch-files.ts')) await main();
