import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AudioSettings } from '../audio/audio-settings.ts';
import { trackFolder } from '../audio/ffmpeg/live-processes.ts';
import { runTool } from '../audio/ffmpeg/run-tool.ts';
import { InputError } from '../errors/input-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { validatePauses } from '../stitcher/pauses.ts';
import type { Storage } from '../storage/storage.ts';
import { assemblePcm } from './assemble-pcm.ts';
import type { QuietRun } from './subtitles/pause-finder.ts';
import { masteringFilter } from './mastering-filter.ts';
import { measuringFilters, parseMeasurements, type Loudness } from './parse-measurements.ts';
import { getProfile, profileFor, type MasteringProfile, type ProfileName } from './profiles.ts';

export interface MasterBookInput {
  storage: Storage;
  /** Segment objects in the order they are spoken. */
  segmentKeys: readonly string[];
  /** What the stored segments are. */
  segmentAudio: AudioSettings;
  /** Pause after each segment (ms), parallel to segmentKeys; the last one is the book's tail (default: the profile's tailMs). */
  pausesAfterMs?: readonly number[];
  /** Pause before the first segment (the head), ms; default: the profile's headMs. */
  pauseBeforeMs?: number;
  profile: MasteringProfile | ProfileName;
  /** Room tone level (dBFS pink-noise amplitude) or null for none; default: the profile's. */
  roomToneDb?: number | null;
  /** The master's channels; default: the segments'. */
  channels?: 1 | 2;
  /** Folder for the temp files (default os.tmpdir()): up to two book-length s16le files at once, see docs/mastering.md. */
  tempRoot?: string;
  signal?: AbortSignal;
  ffmpegPath?: string;
  /** Per segment, whether to find its pauses for the sentence times (default: every one). */
  scanPauses?: readonly boolean[];
}

export interface MasteredSegment {
  position: number;
  /** Sample frames before it in the mastered WAV (head and earlier pauses included). */
  startSample: number;
  startMs: number;
  samples: number;
  pauseAfterSamples: number;
  /** Quiet runs inside the segment's audio, frames from its start (assemble-pcm.ts); null: not scanned (scanPauses). */
  quiet: QuietRun[] | null;
}

export interface MasterBookResult {
  /** The mastered WAV (s16le, RF64 past 4 GiB) in a temp folder; call dispose() once it is encoded. */
  wavPath: string;
  tempDir: string;
  dispose: () => Promise<void>;
  sampleRate: number;
  channels: 1 | 2;
  headSamples: number;
  totalSamples: number;
  durationMs: number;
  segments: MasteredSegment[];
  /** Measured on the assembled book before any gain (without true peak: truePeakDbtp is null). */
  measuredBefore: Loudness;
  /** Measured on the mastered WAV, without true peak (the manifest's figures, true peak included, come from the encoded file). */
  measuredAfter: Loudness;
  /** The gain applied before the limiter, dB (after the correction pass, if one ran). */
  gainDb: number;
}

/** Far past any real correction: a gain this large means silence or a broken segment, not speech to normalise. */
const MAX_GAIN_DB = 30;
/** A master further than this from its target (LU or dB) gets one correction pass. */
const CORRECTION_THRESHOLD_DB = 0.5;

/**
 * Masters a book in three streaming steps with flat memory (docs/mastering.md):
 *  1. segments decoded in order with pauses → one ffmpeg that measures it (ebur128 + astats)
 *     and writes it to a temp s16le file in the same pass;
 *  2. gain to the profile's target, the limiter, room tone → the mastered WAV (a second
 *     ffmpeg, reading the temp file, measuring what it writes), its sample count pinned to what
 *     step 1 wrote; when the limiter pulled it more than 0.5 LU off target, once more with the
 *     gain raised by the miss;
 *  3. the temp s16le file removed; the WAV's path returned with sample-exact segment starts.
 * Aborting (or any failure) kills the ffmpeg in flight and removes the temp folder.
 */
export async function masterBook(input: MasterBookInput): Promise<MasterBookResult> {
  input.signal?.throwIfAborted();
  const named = typeof input.profile === 'string' ? getProfile(input.profile) : input.profile;
  if (named.target === null) {
    throw new InputError(
      'profile',
      `${named.name} is not mastered: its segments are joined frame-exact by the stitcher (src/stitcher/stitch.ts)`,
      named.name,
    );
  }
  if (input.segmentKeys.length === 0) throw new InputError('segmentKeys', 'at least one segment is needed to master', input.segmentKeys);
  validatePauses({ segmentKeys: input.segmentKeys, ...(input.pausesAfterMs === undefined ? {} : { pausesAfterMs: input.pausesAfterMs }) });
  const pauseBeforeMs = input.pauseBeforeMs ?? named.headMs;
  if (!Number.isFinite(pauseBeforeMs) || pauseBeforeMs < 0 || pauseBeforeMs > 60_000) {
    throw new InputError('pauseBeforeMs', 'must be a number of milliseconds from 0 to 60000', pauseBeforeMs);
  }
  const channels = input.channels ?? input.segmentAudio.channels;
  const profile = profileFor(named, channels);
  const sampleRate = profile.sampleRate ?? input.segmentAudio.sampleRate;
  const roomToneDb = input.roomToneDb === undefined ? profile.roomToneDb : input.roomToneDb;

  const tempDir = await mkdtemp(join(input.tempRoot ?? tmpdir(), 'tts-batch-master-'));
  const untrack = trackFolder(tempDir);
  const dispose = async (): Promise<void> => {
    await rm(tempDir, { recursive: true, force: true });
    untrack();
  };
  try {
    const assembledPath = join(tempDir, 'assembled.s16le');
    const wavPath = join(tempDir, 'mastered.wav');
    const pcmInput = ['-f', 's16le', '-ar', String(sampleRate), '-ac', String(channels)];
    const assembly = assemblePcm({
      storage: input.storage,
      segmentKeys: input.segmentKeys,
      segmentAudio: input.segmentAudio,
      pausesAfterMs: withTail(input.pausesAfterMs ?? [], input.segmentKeys.length, named.tailMs),
      pauseBeforeMs,
      sampleRate,
      channels,
      signal: input.signal,
      ffmpegPath: input.ffmpegPath,
      tempDir,
      scanPauses: input.scanPauses,
    });
    // Step 1: one pass over the decoded book measures it and keeps it on disk for step 2.
    const { stderr: measuredStderr } = await runTool({
      tool: 'ffmpeg',
      what: 'the measuring pass over the assembled book',
      args: [
        '-nostats',
        ...pcmInput,
        '-i',
        'pipe:0',
        '-map',
        '0:a',
        '-af',
        measuringFilters({ truePeak: false }),
        '-f',
        'null',
        '-',
        '-map',
        '0:a',
        '-c:a',
        'pcm_s16le',
        '-f',
        's16le',
        assembledPath,
      ],
      stdin: assembly.stream,
      signal: input.signal,
      binary: input.ffmpegPath,
    });
    const { tally } = assembly;
    const frameBytes = 2 * channels;
    const assembledBytes = (await stat(assembledPath)).size;
    if (assembledBytes !== tally.totalSamples * frameBytes) {
      throw new TtsBatchError(
        'MASTER_SHORT_WRITE',
        `the assembled book holds ${assembledBytes} bytes, ${tally.totalSamples * frameBytes} were written (temp disk full?)`,
        {
          value: { assembledBytes, expected: tally.totalSamples * frameBytes, tempDir },
          retryable: true,
        },
      );
    }
    const measuredBefore = parseMeasurements(measuredStderr).loudness;
    // Step 2: gain, limiter and room tone; the temp file is read by ffmpeg itself (no pipe needed).
    const masterAt = async (gainDb: number): Promise<Loudness> => {
      const { stderr } = await runTool({
        tool: 'ffmpeg',
        what: 'the mastering pass',
        args: [
          '-nostats',
          ...pcmInput,
          '-i',
          assembledPath,
          '-filter_complex',
          masteringFilter({
            gainDb,
            ceilingDb: profile.limiterCeilingDb,
            roomToneDb,
            sampleRate,
            channels,
            totalSamples: tally.totalSamples,
          }),
          '-map',
          '[out]',
          '-c:a',
          'pcm_s16le',
          '-rf64',
          'auto',
          '-flags',
          '+bitexact',
          '-fflags',
          '+bitexact',
          '-map_metadata',
          '-1',
          '-f',
          'wav',
          '-y',
          wavPath,
          '-map',
          '[measured]',
          '-f',
          'null',
          '-',
        ],
        signal: input.signal,
        binary: input.ffmpegPath,
      });
      return parseMeasurements(stderr).loudness;
    };
    let gainDb = gainFor(profile, measuredBefore);
    let measuredAfter = await masterAt(gainDb);
    // The limiter takes loudness where it works (espeak: 1.1 LU at −18 LUFS / −3 dBFS). One more
    // pass with the gain raised by the miss lands within the tolerance; never more than one.
    const miss = gainFor(profile, measuredAfter);
    if (Math.abs(miss) > CORRECTION_THRESHOLD_DB) {
      gainDb = clampGain(gainDb + miss);
      measuredAfter = await masterAt(gainDb);
    }
    await rm(assembledPath, { force: true });
    const msPerSample = 1000 / sampleRate;
    return {
      wavPath,
      tempDir,
      dispose,
      sampleRate,
      channels,
      headSamples: tally.headSamples,
      totalSamples: tally.totalSamples,
      durationMs: tally.totalSamples * msPerSample,
      segments: tally.segments.map((segment) => ({ ...segment, startMs: segment.startSample * msPerSample })),
      measuredBefore,
      measuredAfter,
      gainDb,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** The pauses with the profile's tail after the last segment when none was given for it. */
function withTail(pauses: readonly number[], segments: number, tailMs: number): readonly number[] {
  if (pauses.length >= segments) return pauses;
  const filled = Array.from({ length: segments }, (_, index) => pauses[index] ?? 0);
  filled[segments - 1] = tailMs;
  return filled;
}

/** dB to bring the measured book to the profile's target; 0 for silence (nothing to measure). */
export function gainFor(profile: MasteringProfile, measured: Loudness): number {
  const target = profile.target;
  if (target === null) return 0;
  const level = target.kind === 'integrated' ? measured.integratedLufs : measured.rmsDb;
  if (level === null) return 0;
  return clampGain((target.kind === 'integrated' ? target.lufs : target.db) - level);
}

function clampGain(gainDb: number): number {
  return Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, gainDb));
}
