import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { CONTENT_TYPES } from '../audio/audio-settings.ts';
import { TakeRejectedError } from '../errors/take-rejected-error.ts';
import type { SynthesisMeta } from '../providers/provider.ts';
import type { SynthesizeJobData } from '../queue/job-data.ts';
import { takeKey } from '../queue/segment-key.ts';
import type { Storage } from '../storage/storage.ts';
import { measureTake } from '../verify/measure-take.ts';
import type { QaThresholds } from '../verify/qa-thresholds.ts';
import type { SegmentQa, TakeRecord } from '../verify/qa-record.ts';
import { rateKeyOf, type RateStats } from '../verify/speaking-rate.ts';
import { judgeTake, withCheck, type CheckOutcome } from '../verify/take-checks.ts';
import { RecognizerError } from '../errors/recognizer-error.ts';
import { AudioFormatError } from '../errors/audio-format-error.ts';
import { recognizeTake } from '../verify/recognize-take.ts';
import { judgeTranscript, transcriptKeyOf, type TranscriptLimits } from '../verify/transcript-outlier.ts';
import { scoreTranscript } from '../verify/transcript-score.ts';
import { textExpectation } from '../verify/text-expectation.ts';
import { storeTake, type ReceivedTake } from './receive-take.ts';

/** Where the deployment's speaking rates are read and learned (render/speaking-rates.ts in Redis). */
export interface SpeakingRateBook {
  read(key: string): Promise<RateStats>;
  learn(key: string, msPerUnit: number): Promise<void>;
}

/** The optional recognizer check (QA_ASR_COMMAND): the command, its limits, and the voices' accepted scores. */
export interface TakeRecognizer {
  /** The command's argv (split once at start-up); the take's 16 kHz WAV path is added last. */
  command: readonly string[];
  /** What the scores are kept under: the command line as configured. */
  commandLine: string;
  timeoutMs: number;
  limits: TranscriptLimits;
  scores: SpeakingRateBook;
}

/** What the worker needs to check takes: the limits (QA_* settings), the rates, a scratch folder. */
export interface TakeVerification {
  thresholds: QaThresholds;
  rates: SpeakingRateBook;
  recognizer?: TakeRecognizer | undefined;
  /** Takes are received here before they are checked, one file each, removed on every way out. */
  tempDir: string;
  ffmpegPath?: string | undefined;
}

/** The segment's audio as stored under its key, with the verdict the manifest reports. */
export interface SettledSegment {
  bytes: number;
  sha256: string;
  /** The kept take's meta, billedCharacters the sum over every take. */
  meta: SynthesisMeta;
  qa: SegmentQa;
}

export type TakeOutcome = { settled: SettledSegment } | { retake: SynthesizeJobData };

export interface SettleContext {
  job: Job;
  data: SynthesizeJobData;
  storage: Storage;
  verification: TakeVerification;
  logger: Logger;
  signal: AbortSignal;
}

/** The take the next request makes: 1 for a segment's first. */
export function nextTakeNumber(data: SynthesizeJobData): number {
  return (data.takes?.length ?? 0) + 1;
}

/**
 * Checks one received take (issue 15) and settles the segment or asks for another take:
 * - passed: stored under the segment's key, its rate learned, earlier failed takes removed;
 * - failed with takes left: kept under its take key (a later take may be worse), recorded in the
 *   job data before anything else, so a crash resumes at the next take and bills none twice;
 * - failed, the last take allowed: the best take by score goes under the key and the segment is
 *   flagged, or with `--qa strict` the render fails (TakeRejectedError).
 * A take never overwrites the segment's key once accepted: only a settled take is written there.
 */
export async function settleTake(context: SettleContext, take: ReceivedTake): Promise<TakeOutcome> {
  const { data, storage, verification } = context;
  const qa = data.qa;
  if (qa === undefined) throw new Error('settleTake: the job asks for no checks');
  const number = nextTakeNumber(data);
  const expectation = textExpectation(data.text);
  const rateKey = rateKeyOf({ provider: data.provider, voice: data.voice, model: data.model, script: expectation.script });
  let record: TakeRecord;
  let msPerUnit: number | null;
  let learnScore: (() => Promise<void>) | undefined;
  try {
    const rate = await verification.rates.read(rateKey);
    const measured = await measureTake(take.path, data.audio, {
      silenceDb: verification.thresholds.silenceDb,
      signal: context.signal,
      ffmpegPath: verification.ffmpegPath,
    }).catch((error: unknown) => {
      // The validator passed it, ffmpeg cannot decode it: a bad take, billed like any other,
      // retaken or (the last) flagged, never a failed render.
      if (error instanceof AudioFormatError) return null;
      throw error;
    });
    const signalVerdict = measured === null ? undecodableVerdict() : judgeTake(measured, expectation, rate, verification.thresholds);
    msPerUnit = signalVerdict.msPerUnit;
    const transcript =
      verification.recognizer === undefined || measured === null || measured.speechMs === 0
        ? undefined
        : await checkTranscript(context, verification.recognizer, take.path);
    const verdict = transcript === undefined ? signalVerdict : withCheck(signalVerdict, transcript.outcome);
    learnScore = transcript?.learn;
    record = {
      take: number,
      passed: verdict.passed,
      score: verdict.score,
      checks: verdict.checks,
      bytes: take.bytes,
      sha256: take.sha256,
      ...(take.meta.billedCharacters === undefined ? {} : { billedCharacters: take.meta.billedCharacters }),
      ...(take.meta.traceId === undefined ? {} : { traceId: take.meta.traceId }),
    };
  } catch (error) {
    await take.discard();
    throw error;
  }
  const earlier = data.takes ?? [];
  // Set once the segment is settled or rejected: only then are the failed takes kept for
  // comparison not needed any more. On an error (a storage write that failed) they stay: the
  // job's retry still lists them and may keep one of them.
  let final = false;
  const contentType = CONTENT_TYPES[data.audio.format];
  try {
    if (record.passed) {
      await storeTake(storage, data.key, take, contentType);
      if (msPerUnit !== null) await verification.rates.learn(rateKey, msPerUnit);
      await learnScore?.();
      final = true;
      return { settled: settled(take.meta, [...earlier, record], record, false) };
    }
    context.logger.info(
      { renderId: data.renderId, index: data.index, take: number, failed: failedNames(record) },
      number < qa.maxTakes ? 'take failed its checks; retaking' : 'take failed its checks; no takes left',
    );
    if (number < qa.maxTakes) {
      // Per job: two renders (or a repeated text) retaking the same segment keep apart.
      const storedAs = takeKey(data.key, number, `${data.renderId}-${data.index}`);
      await storeTake(storage, storedAs, take, contentType);
      // A task provider's next take is a new task: this one is done with.
      const { task: _done, ...rest } = data;
      const next: SynthesizeJobData = { ...rest, takes: [...earlier, { ...record, storedAs }] };
      // Before the next take is bought: a crash from here on resumes at take number + 1.
      await context.job.updateData(next);
      return { retake: next };
    }
    const all = [...earlier, record];
    if (qa.mode === 'strict') {
      final = true;
      throw new TakeRejectedError(data.index, all.length, all.map(failedNames));
    }
    // The best by score; the later of equals (it was asked for as a fresh take).
    const best = all.reduce((kept, candidate) => (candidate.score >= kept.score ? candidate : kept));
    if (best === record) await storeTake(storage, data.key, take, contentType);
    else await storage.put(data.key, storage.get(best.storedAs ?? ''), { contentType });
    // An earlier take's meta is its trace id only: this take's word timings are not its.
    const keptMeta: SynthesisMeta = best === record ? take.meta : best.traceId === undefined ? {} : { traceId: best.traceId };
    final = true;
    return { settled: settled(keptMeta, all, best, true) };
  } finally {
    await take.discard();
    if (final) await removeStoredTakes(storage, earlier, context.logger);
  }
}

/** A take ffmpeg could not decode: every signal check unmeasured, one failed `decode` check. */
function undecodableVerdict(): ReturnType<typeof judgeTake> {
  return { passed: false, checks: [{ check: 'decode', passed: false, value: 0, min: 1 }], score: 0, msPerUnit: null, stray: 0 };
}

function failedNames(record: TakeRecord): string[] {
  return record.checks.filter((check) => !check.passed).map((check) => check.check);
}

function settled(meta: SynthesisMeta, takes: readonly TakeRecord[], kept: TakeRecord, flagged: boolean): SettledSegment {
  const billed = takes.reduce((sum, take) => sum + (take.billedCharacters ?? 0), 0);
  const anyBilled = takes.some((take) => take.billedCharacters !== undefined);
  const retakeBilled = takes.slice(1).reduce((sum, take) => sum + (take.billedCharacters ?? 0), 0);
  const failedTakes = takes.filter((take) => !take.passed).map((take) => ({ take: take.take, failed: failedNames(take) }));
  const { billedCharacters: _first, ...rest } = meta;
  return {
    bytes: kept.bytes ?? 0,
    sha256: kept.sha256 ?? '',
    meta: { ...rest, ...(anyBilled ? { billedCharacters: billed } : {}) },
    qa: {
      checked: true,
      takes: takes.length,
      keptTake: kept.take,
      flagged,
      checks: kept.checks,
      ...(takes.length > 1 ? { retakeBilledCharacters: retakeBilled } : {}),
      ...(failedTakes.length > 0 ? { failedTakes } : {}),
    },
  };
}

/** Removes the failed takes a job stored while retaking (best effort: a take left behind only costs space). */
export async function removeStoredTakes(storage: Storage, takes: readonly TakeRecord[], logger: Logger): Promise<void> {
  await Promise.all(
    takes.map(async (take) => {
      if (take.storedAs === undefined) return;
      // Left behind, a take only costs space: it is never read as the segment.
      await storage
        .delete(take.storedAs)
        .catch((error: unknown) => logger.warn({ err: error, key: take.storedAs }, 'a failed take was not removed'));
    }),
  );
}

/**
 * The recognizer check: the take's words against its text, judged against the voice's accepted
 * scores. A recognizer that fails (will not start, exits non-zero, times out) says nothing of the
 * take: the check is left out, with a warning, and the signal checks stand.
 */
async function checkTranscript(
  context: SettleContext,
  recognizer: TakeRecognizer,
  path: string,
): Promise<{ outcome: CheckOutcome; learn: () => Promise<void> } | undefined> {
  const { data, verification } = context;
  let heard: string;
  try {
    heard = await recognizeTake(path, {
      command: recognizer.command,
      timeoutMs: recognizer.timeoutMs,
      audio: data.audio,
      signal: context.signal,
      ffmpegPath: verification.ffmpegPath,
      tempDir: verification.tempDir,
    });
  } catch (error) {
    if (!(error instanceof RecognizerError) && !(error instanceof AudioFormatError)) throw error;
    context.logger.warn({ renderId: data.renderId, index: data.index, err: error }, 'the recognizer failed; the take is judged without it');
    return undefined;
  }
  const key = transcriptKeyOf({ provider: data.provider, voice: data.voice, model: data.model, command: recognizer.commandLine });
  const score = scoreTranscript(data.text, heard).similarity;
  const judged = judgeTranscript(score, await recognizer.scores.read(key), recognizer.limits);
  return {
    outcome: { check: 'transcript', passed: judged.passed, value: judged.value, min: judged.min },
    learn: () => recognizer.scores.learn(key, score),
  };
}
