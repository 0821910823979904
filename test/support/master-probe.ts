// A child process for the mastering tests: masters a long book made of one 30 s WAV segment
// repeated, then prints its own peak RSS as JSON. On SIGTERM it aborts the mastering as a
// worker's shutdown does and exits. Run with node (type stripping): node master-probe.ts ROOT MINUTES
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { masterBook } from '../../src/master/master-book.ts';

const controller = new AbortController();
process.once('SIGTERM', () => controller.abort(new Error('SIGTERM')));
const [root = '', minutesText = '10'] = process.argv.slice(2);
const SEGMENT_SECONDS = 30;
const RATE = 8000;
const store = join(root, 'store');
mkdirSync(join(store, 'seg'), { recursive: true });
// Speech-like enough for the loudness stages: a tone under pink noise, at a low rate to keep it cheap.
execFileSync('ffmpeg', [
  '-v',
  'error',
  '-y',
  '-f',
  'lavfi',
  '-i',
  `sine=f=220:r=${RATE}:d=${SEGMENT_SECONDS}`,
  '-f',
  'lavfi',
  '-i',
  `anoisesrc=r=${RATE}:a=0.05:c=pink:d=${SEGMENT_SECONDS}`,
  '-filter_complex',
  'amix=inputs=2',
  '-ac',
  '1',
  '-c:a',
  'pcm_s16le',
  join(store, 'seg', 'a.wav'),
]);
const count = Math.round((Number(minutesText) * 60) / SEGMENT_SECONDS);
try {
  const result = await masterBook({
    storage: new LocalStorage(store),
    segmentKeys: Array.from({ length: count }, () => 'seg/a.wav'),
    segmentAudio: { format: 'wav', sampleRate: RATE, channels: 1 },
    pausesAfterMs: Array.from({ length: count }, () => 500),
    profile: 'audiobook',
    tempRoot: join(root, 'tmp'),
    signal: controller.signal,
  });
  await result.dispose();
  process.stdout.write(`${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, samples: result.totalSamples })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
  process.exitCode = 3;
}
