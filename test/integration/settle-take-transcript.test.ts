import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SynthesizeJobData } from '../../src/queue/job-data.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { DEFAULT_QA_THRESHOLDS } from '../../src/verify/qa-thresholds.ts';
import { splitCommand } from '../../src/verify/recognize-take.ts';
import { EMPTY_RATE, addRate, type RateStats } from '../../src/verify/speaking-rate.ts';
import { addScore, DEFAULT_TRANSCRIPT_LIMITS, transcriptKeyOf } from '../../src/verify/transcript-outlier.ts';
import type { ReceivedTake } from '../../src/worker/receive-take.ts';
import { settleTake, type TakeVerification } from '../../src/worker/settle-take.ts';
import { generateSenseAudioAudio } from '../simulators/senseaudio/audio.ts';
import { otherTextFor } from '../simulators/shared/take-faults.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';

const FAKE_ASR = fileURLToPath(new URL('../fixtures/asr/fake-asr.sh', import.meta.url));
const TEXT = 'The fog had not lifted yet, and the dock was already full of people waiting for the boat.';
const AUDIO = { format: 'wav', sampleRate: 16000, channels: 1 } as const;

/** A book of rates (ln ms per unit) or scores in memory, as Redis keeps them (render/speaking-rates.ts, transcript-scores.ts). */
function memoryBook(
  add: (stats: RateStats, value: number) => RateStats = addRate,
): TakeVerification['rates'] & { stats: Map<string, RateStats> } {
  const stats = new Map<string, RateStats>();
  return {
    stats,
    read: (key) => Promise.resolve(stats.get(key) ?? EMPTY_RATE),
    learn: (key, value) => {
      stats.set(key, add(stats.get(key) ?? EMPTY_RATE, value));
      return Promise.resolve();
    },
  };
}

/**
 * The recognizer check (QA_ASR_COMMAND) as settleTake runs it: a take of other words, of the
 * right length and a clean signal, passes every signal check and fails only `transcript`; it is
 * retaken; the take of the right words is kept and its score learned. The stand-in recognizer
 * prints what `heard.txt` says the take spoke.
 */
describe('settleTake with a recognizer, and takes ffmpeg reads badly', () => {
  let dir: string;
  let storage: LocalStorage;

  beforeAll(async () => {
    await requireFfmpeg();
    dir = await mkdtemp(join(tmpdir(), 'ttsb-settle-asr-'));
    storage = new LocalStorage(join(dir, 'out'));
  });

  afterAll(async () => {
    await storage?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function takeOf(spoken: string, name: string): Promise<ReceivedTake> {
    const audio = generateSenseAudioAudio(spoken, { ...AUDIO, bitrate: 0 }, { msPerChar: 40, tone: 'sentences' } as never);
    const path = join(dir, `${name}.wav`);
    await writeFile(path, audio.bytes);
    return {
      path,
      bytes: audio.bytes.byteLength,
      sha256: createHash('sha256').update(audio.bytes).digest('hex'),
      meta: { billedCharacters: 80 },
      discard: () => rm(path, { force: true }),
    };
  }

  it('fails only the transcript of other words, retakes, and keeps the right take', async () => {
    const heard = join(dir, 'heard.txt');
    const scores = memoryBook(addScore);
    const verification: TakeVerification = {
      thresholds: DEFAULT_QA_THRESHOLDS,
      rates: memoryBook(),
      tempDir: join(dir, 'takes'),
      recognizer: {
        command: [...splitCommand(`bash ${FAKE_ASR} say`), heard],
        commandLine: `bash ${FAKE_ASR} say ${heard}`,
        timeoutMs: 30_000,
        limits: DEFAULT_TRANSCRIPT_LIMITS,
        scores,
      },
    };
    const data = {
      renderId: 'r-asr',
      index: 0,
      provider: 'senseaudio',
      model: 'SenseAudio-TTS-1.0',
      voice: 'male_0004_a',
      text: TEXT,
      audio: AUDIO,
      key: '.segments/senseaudio/ab/abcdef.wav',
      qa: { mode: 'on', maxTakes: 2 },
    } as unknown as SynthesizeJobData;
    const updates: unknown[] = [];
    const job = {
      updateData: (next: unknown) => {
        updates.push(next);
        return Promise.resolve();
      },
    } as unknown as Job;
    const context = { job, storage, verification, logger: pino({ level: 'silent' }), signal: new AbortController().signal };

    // The voice's right takes have scored 0.85–0.95 so far: a take of other words is an outlier.
    const key = transcriptKeyOf({
      provider: data.provider,
      voice: data.voice,
      model: data.model,
      command: verification.recognizer?.commandLine ?? '',
    });
    for (let i = 0; i < DEFAULT_TRANSCRIPT_LIMITS.minSamples; i += 1) await scores.learn(key, 0.85 + (i % 3) * 0.05);

    await writeFile(heard, otherTextFor(TEXT));
    const first = await settleTake({ ...context, data }, await takeOf(otherTextFor(TEXT), 'take1'));
    if (!('retake' in first)) throw new Error(`the take of other words was kept: ${JSON.stringify(first.settled.qa)}`);
    const failed = first.retake.takes?.[0]?.checks.filter((check) => !check.passed).map((check) => check.check);
    expect(failed).toEqual(['transcript']);
    expect(updates).toHaveLength(1);

    await writeFile(heard, TEXT);
    const second = await settleTake({ ...context, data: first.retake }, await takeOf(TEXT, 'take2'));
    if (!('settled' in second)) throw new Error('the right take was not kept');
    expect(second.settled.qa).toMatchObject({ takes: 2, keptTake: 2, flagged: false, failedTakes: [{ take: 1, failed: ['transcript'] }] });
    const transcript = second.settled.qa.checks?.find((check) => check.check === 'transcript');
    expect(transcript?.value).toBe(1);
    expect(second.settled.meta.billedCharacters).toBe(160);
    expect(scores.stats.get(key)?.count).toBe(DEFAULT_TRANSCRIPT_LIMITS.minSamples + 1);
  });

  function jobData(key: string, format: 'wav' | 'mp3'): SynthesizeJobData {
    return {
      renderId: 'r-odd',
      index: 3,
      provider: 'senseaudio',
      model: 'SenseAudio-TTS-1.0',
      voice: 'male_0004_a',
      text: TEXT,
      audio: { ...AUDIO, format },
      key,
      qa: { mode: 'on', maxTakes: 2 },
    } as unknown as SynthesizeJobData;
  }

  function plainContext(): Omit<Parameters<typeof settleTake>[0], 'data'> {
    const verification: TakeVerification = { thresholds: DEFAULT_QA_THRESHOLDS, rates: memoryBook(), tempDir: join(dir, 'takes') };
    const job = { updateData: () => Promise.resolve() } as unknown as Job;
    return { job, storage, verification, logger: pino({ level: 'silent' }), signal: new AbortController().signal };
  }

  it('reads a streamed wav whose header says 0 data bytes to the end of the file', async () => {
    const take = await takeOf(TEXT, 'size0');
    const bytes = Buffer.from(await readFile(take.path));
    const dataAt = bytes.indexOf('data') + 4;
    bytes.writeUInt32LE(0, dataAt);
    await writeFile(take.path, bytes);
    const outcome = await settleTake({ ...plainContext(), data: jobData('.segments/senseaudio/cd/size0.wav', 'wav') }, take);
    if (!('settled' in outcome))
      throw new Error(`a good take with a placeholder size was refused: ${JSON.stringify(outcome.retake.takes)}`);
    expect(outcome.settled.qa.checks?.find((check) => check.check === 'silent')?.value).toBeGreaterThan(0.5);
  });

  it('a take ffmpeg cannot decode is a failed take (decode), kept aside under a key of its own job, then retaken', async () => {
    const path = join(dir, 'junk.mp3');
    await writeFile(path, Buffer.alloc(4000, 0x55));
    const take: ReceivedTake = { path, bytes: 4000, sha256: 'x', meta: { billedCharacters: 80 }, discard: () => rm(path, { force: true }) };
    const outcome = await settleTake({ ...plainContext(), data: jobData('.segments/senseaudio/ef/junk.mp3', 'mp3') }, take);
    if (!('retake' in outcome)) throw new Error('an undecodable take was kept');
    const recorded = outcome.retake.takes?.[0];
    expect(recorded?.checks).toEqual([{ check: 'decode', passed: false, value: 0, min: 1 }]);
    expect(recorded?.billedCharacters).toBe(80);
    expect(recorded?.storedAs).toBe('.takes/senseaudio/ef/junk.r-odd-3.take1.mp3');
  });
});
