import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.ts';
import { SegmentDamagedError } from '../../src/errors/segment-damaged-error.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { bytesBody } from '../../src/util/bytes-body.ts';
import { encodeOutput } from '../../src/master/encode/encode-output.ts';
import { chapterCuts } from '../../src/master/chapter-cuts.ts';
import { complianceReport } from '../../src/master/compliance.ts';
import { masterBook } from '../../src/master/master-book.ts';
import { measureLoudness } from '../../src/master/measure-loudness.ts';
import { PROFILES } from '../../src/master/profiles.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { pollUntil } from '../support/poll-until.ts';

const run = promisify(execFile);

const SENTENCES = [
  'It was a bright cold day in April, and the clocks were striking thirteen.',
  'Winston Smith slipped quickly through the glass doors of Victory Mansions.',
  'The hallway smelt of boiled cabbage and old rag mats.',
  'At one end of it a coloured poster, too large for indoor display, had been tacked to the wall.',
];

let root: string;
let storage: LocalStorage;
const keys: string[] = [];
const mp3Keys: string[] = [];

/** espeak-ng speaks each sentence to a WAV (22.05 kHz mono), stored as a segment. */
beforeAll(async () => {
  await requireFfmpeg();
  root = await mkdtemp(join(tmpdir(), 'tts-batch-master-test-'));
  storage = new LocalStorage(join(root, 'store'));
  for (const [index, sentence] of SENTENCES.entries()) {
    const { stdout } = await run('espeak-ng', ['-v', 'en-us', '--stdout', sentence], { encoding: 'buffer', maxBuffer: 64 << 20 });
    const key = `segments/s${index}.wav`;
    await storage.put(key, bytesBody(new Uint8Array(stdout)));
    keys.push(key);
    // The same speech as a provider's MP3 (64 kbps CBR), for the ffmpeg-decoded path.
    const mp3Key = `segments/s${index}.mp3`;
    await run('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      join(storage.root, key),
      '-c:a',
      'libmp3lame',
      '-b:a',
      '64k',
      join(storage.root, mp3Key),
    ]);
    mp3Keys.push(mp3Key);
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const segmentAudio = { format: 'wav', sampleRate: 22_050, channels: 1 } as const;

/** Sample frames of a segment once decoded (and resampled) to the master's rate, by ffmpeg alone. */
async function decodedSamples(key: string, sampleRate: number): Promise<number> {
  const file = join(storage.root, key);
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-ar', String(sampleRate), '-ac', '1', '-f', 's16le', '-'], {
    encoding: 'buffer',
    maxBuffer: 64 << 20,
  });
  return stdout.length / 2;
}

async function wavSampleFrames(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=duration_ts', '-of', 'default=nw=1:nk=1', path]);
  return Number(stdout.trim());
}

describe('masterBook with real ffmpeg on espeak speech', () => {
  it('acx: RMS within −23…−18 dB, true peak ≤ −3 dBTP, noise floor ≤ −60 dB but not zero, measured on the encoded mp3', async () => {
    const result = await masterBook({
      storage,
      segmentKeys: keys,
      segmentAudio,
      // No head and no tail given: the profile's (750 ms, 2 s) are used.
      pausesAfterMs: [750, 750, 750],
      profile: 'acx',
      tempRoot: root,
    });
    try {
      const mp3 = join(root, 'acx.mp3');
      await encodeOutput({
        input: result.wavPath,
        outputPath: mp3,
        format: 'mp3',
        chapters: [],
        tags: {},
        sampleRate: 44_100,
        bitrateKbps: 192,
        cbr: true,
      });
      const measured = await measureLoudness(mp3);
      console.info(
        'acx measured on mp3',
        JSON.stringify({ ...measured, silences: measured.silences.length, gainDb: result.gainDb, before: result.measuredBefore }),
      );
      expect(measured.loudness.rmsDb).toBeGreaterThanOrEqual(-23);
      expect(measured.loudness.rmsDb).toBeLessThanOrEqual(-18);
      expect(measured.loudness.truePeakDbtp).toBeLessThanOrEqual(-3);
      expect(measured.loudness.noiseFloorDb).not.toBeNull();
      expect(measured.loudness.noiseFloorDb).toBeLessThanOrEqual(-60);
      expect(measured.sampleRate).toBe(44_100);
      expect(result.headSamples).toBe(Math.ceil(0.75 * 44_100));
      expect(result.segments.at(-1)?.pauseAfterSamples).toBe(2 * 44_100);
      const report = complianceReport(PROFILES.acx, { files: [measured] });
      console.info('acx compliance', JSON.stringify(report));
      expect(report.filter((entry) => !entry.pass)).toEqual([]);
      expect(report.map((entry) => entry.rule)).toContain('true peak');
    } finally {
      await result.dispose();
    }
  });

  it('acx, one file per chapter cut by chapterCuts: every file passes every rule, head and tail room tone included', async () => {
    const result = await masterBook({
      storage,
      segmentKeys: keys,
      segmentAudio,
      pausesAfterMs: [750, 2000, 750],
      profile: 'acx',
      tempRoot: root,
    });
    try {
      const cuts = chapterCuts(result.segments, [{ firstSegment: 0 }, { firstSegment: 2 }], {
        headSamples: result.headSamples,
        totalSamples: result.totalSamples,
      });
      const files = [];
      for (const cut of cuts) {
        const wav = join(result.tempDir, `chapter-${cut.chapter}.wav`);
        await run('ffmpeg', [
          '-v',
          'error',
          '-y',
          '-i',
          result.wavPath,
          '-af',
          `atrim=start_sample=${cut.startSample}:end_sample=${cut.endSample}`,
          wav,
        ]);
        const mp3 = join(root, `acx-chapter-${cut.chapter}.mp3`);
        await encodeOutput({
          input: wav,
          outputPath: mp3,
          format: 'mp3',
          sampleRate: 44_100,
          bitrateKbps: 192,
          cbr: true,
          chapters: [],
          tags: {},
        });
        files.push({ ...(await measureLoudness(mp3)), name: `chapter ${cut.chapter + 1}` });
      }
      const report = complianceReport(PROFILES.acx, { files });
      console.info('acx per chapter', JSON.stringify(report.map((entry) => [entry.rule, entry.measured])));
      expect(report.filter((entry) => !entry.pass)).toEqual([]);
      expect(report.filter((entry) => entry.rule.endsWith('head silence'))).toHaveLength(2);
    } finally {
      await result.dispose();
    }
  });

  it('audiobook: integrated loudness within ±1 LU of −18 LUFS on the encoded mp3; pauses where asked', async () => {
    const pauses = [900, 1500, 600, 1200];
    const result = await masterBook({
      storage,
      segmentKeys: keys,
      segmentAudio,
      pausesAfterMs: pauses,
      pauseBeforeMs: 500,
      profile: 'audiobook',
      tempRoot: root,
    });
    try {
      const mp3 = join(root, 'audiobook.mp3');
      await encodeOutput({ input: result.wavPath, outputPath: mp3, format: 'mp3', bitrateKbps: 128, chapters: [], tags: {} });
      const measured = await measureLoudness(mp3);
      console.info('audiobook measured on mp3', JSON.stringify({ ...measured.loudness, gainDb: result.gainDb }));
      expect(Math.abs((measured.loudness.integratedLufs ?? -Infinity) - -18)).toBeLessThanOrEqual(1);
      expect(measured.loudness.truePeakDbtp).toBeLessThanOrEqual(-2);
      // Each pause asked for shows as a silence that starts within the segment's own trailing
      // silence and ends where the next segment starts (counted in samples by masterBook).
      for (const [position, segment] of result.segments.entries()) {
        const pauseEndMs = ((segment.startSample + segment.samples + segment.pauseAfterSamples) * 1000) / result.sampleRate;
        const covering = measured.silences.find(
          (span) => span.startMs <= pauseEndMs - pauses[position]! + 30 && span.endMs >= pauseEndMs - 30,
        );
        expect(covering, `silence of ${pauses[position]} ms after segment ${position}`).toBeDefined();
        expect(covering!.endMs - covering!.startMs).toBeGreaterThanOrEqual(pauses[position]! - 30);
      }
      expect(measured.headSilenceMs).toBeGreaterThanOrEqual(500 - 30);
      expect(complianceReport(PROFILES.audiobook, { files: [measured] }).every((entry) => entry.pass)).toBe(true);
    } finally {
      await result.dispose();
    }
  });

  it.each([
    ['WAV segments (copied without ffmpeg)', 'wav'],
    ['MP3 segments (each decoded by ffmpeg)', 'mp3'],
  ] as const)(
    'counts segment starts in the sample frames written, %s: each start is the sum before it, the WAV has exactly the total',
    async (_, format) => {
      const pauses = [250, 0, 1000, 400];
      const segmentKeys = format === 'wav' ? keys : mp3Keys;
      const result = await masterBook({
        storage,
        segmentKeys,
        segmentAudio: { ...segmentAudio, format },
        pausesAfterMs: pauses,
        pauseBeforeMs: 100,
        profile: 'audiobook',
        tempRoot: root,
      });
      try {
        let expected = Math.ceil((100 * 22_050) / 1000);
        expect(result.headSamples).toBe(expected);
        for (const [position, segment] of result.segments.entries()) {
          expect(segment.startSample).toBe(expected);
          expect(segment.samples).toBe(await decodedSamples(segmentKeys[position]!, 22_050));
          // MP3 decoded gapless (LAME delay and padding dropped): exactly the speech's own samples, no seam silence.
          expect(segment.samples).toBe(await decodedSamples(keys[position]!, 22_050));
          expect(segment.pauseAfterSamples).toBe(pauses[position] === 0 ? 0 : Math.ceil((pauses[position]! * 22_050) / 1000 - 1e-9));
          expect(segment.startMs).toBeCloseTo((segment.startSample * 1000) / 22_050, 6);
          expected += segment.samples + segment.pauseAfterSamples;
        }
        expect(result.totalSamples).toBe(expected);
        expect(await wavSampleFrames(result.wavPath)).toBe(expected);
      } finally {
        await result.dispose();
      }
      await expect(stat(result.tempDir)).rejects.toThrow(/ENOENT/);
    },
  );

  it("a segment ffmpeg cannot decode fails as SegmentDamagedError naming it, with ffmpeg's words, and leaves no temp file", async () => {
    await storage.put('segments/broken.mp3', bytesBody(new Uint8Array(4096).fill(0x55)));
    const tempRoot = await mkdtemp(join(root, 'broken-'));
    const error = await masterBook({
      storage,
      segmentKeys: ['segments/broken.mp3'],
      segmentAudio: { format: 'mp3', sampleRate: 22_050, channels: 1 },
      profile: 'audiobook',
      tempRoot,
    }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SegmentDamagedError);
    expect((error as SegmentDamagedError).position).toBe(0);
    expect((error as SegmentDamagedError).key).toBe('segments/broken.mp3');
    expect((error as SegmentDamagedError).message).toMatch(/ffmpeg/);
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it('a missing ffmpeg is a ConfigError; raw is refused as not mastered; bad pauses are refused before any work', async () => {
    const base = { storage, segmentKeys: keys, segmentAudio, tempRoot: root } as const;
    await expect(masterBook({ ...base, profile: 'acx', ffmpegPath: '/nonexistent/ffmpeg' })).rejects.toBeInstanceOf(ConfigError);
    await expect(masterBook({ ...base, profile: 'raw' })).rejects.toThrow(/^profile: raw is not mastered/);
    await expect(masterBook({ ...base, profile: 'audiobook', pausesAfterMs: [-1] })).rejects.toThrow(/pausesAfterMs\[0\]/);
    await expect(masterBook({ ...base, profile: 'loud' as 'acx' })).rejects.toThrow(/must be one of audiobook, acx, podcast, raw/);
  });

  it('a failed rule is reported with its measured value, not hidden', () => {
    const report = complianceReport(PROFILES.acx, {
      files: [
        {
          loudness: { integratedLufs: -14, lraLu: 3, truePeakDbtp: -0.5, rmsDb: -15, noiseFloorDb: null },
          durationMs: 60_000,
          sampleRate: 22_050,
          channels: 1,
          codec: 'mp3',
          bitrateKbps: 64,
          cbr: true,
          headSilenceMs: 10,
          tailSilenceMs: 300,
          silences: [],
        },
      ],
    });
    const failed = Object.fromEntries(report.filter((entry) => !entry.pass).map((entry) => [entry.rule, entry.measured]));
    expect(failed).toEqual({
      'RMS level': -15,
      'true peak': -0.5,
      'noise floor': null,
      'room tone (not digital zero)': null,
      'head silence': 10,
      'tail silence': 300,
      'sample rate': 22_050,
      'bit rate': 64,
    });
  });

  it('cancel kills ffmpeg and removes the temp files', async () => {
    const controller = new AbortController();
    const tempRoot = await mkdtemp(join(root, 'cancel-'));
    // A long book (the same segments many times) so the abort lands mid-mastering.
    const long = Array.from({ length: 400 }, (_, index) => keys[index % keys.length]!);
    const mastering = masterBook({ storage, segmentKeys: long, segmentAudio, profile: 'audiobook', tempRoot, signal: controller.signal });
    const failure = mastering.then(
      () => null,
      (error: unknown) => error,
    );
    await pollUntil(
      'an ffmpeg child running',
      () => Promise.resolve(ffmpegChildren()),
      (pids) => pids.length > 0,
    );
    controller.abort(new Error('cancelled by the test'));
    const error = await failure;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('cancelled by the test');
    expect(ffmpegChildren()).toEqual([]);
    expect(await readdir(tempRoot)).toEqual([]);
  });
});

/** ffmpeg processes whose parent is this test process (ps, not a guess). */
function ffmpegChildren(): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when the process has no children at all
  }
  return out
    .split('\n')
    .filter((line) => line.trim().endsWith('ffmpeg'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}
