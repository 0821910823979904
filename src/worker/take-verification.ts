import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { CoreConfig } from '../config/core-config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { learnSpeakingRate, readSpeakingRate } from '../render/speaking-rates.ts';
import { qaThresholdsSchema } from '../verify/qa-thresholds.ts';
import { learnTranscriptScore, readTranscriptScores } from '../render/transcript-scores.ts';
import { splitCommand } from '../verify/recognize-take.ts';
import { DEFAULT_TRANSCRIPT_LIMITS } from '../verify/transcript-outlier.ts';
import type { TakeVerification } from './settle-take.ts';

/** The take checks' settings (QA_*, parsed once with the rest of the configuration) and the deployment's speaking rates in Redis. */
export function takeVerification(config: CoreConfig, redis: Redis): TakeVerification {
  const parsed = qaThresholdsSchema.safeParse({
    silenceDb: config.QA_SILENCE_DB,
    minSpeechShare: config.QA_MIN_SPEECH_SHARE,
    maxLeadingSilenceMs: config.QA_MAX_LEADING_SILENCE_MS,
    maxTrailingSilenceMs: config.QA_MAX_TRAILING_SILENCE_MS,
    maxInnerSilenceMs: config.QA_MAX_INNER_SILENCE_MS,
    maxClippedShare: config.QA_MAX_CLIPPED_SHARE,
    maxDcOffset: config.QA_MAX_DC_OFFSET,
    cutEndDb: config.QA_CUT_END_DB,
    rateMinSamples: config.QA_RATE_MIN_SAMPLES,
    minDurationTolerance: config.QA_MIN_DURATION_TOLERANCE,
    maxDurationTolerance: config.QA_MAX_DURATION_TOLERANCE,
  }); // Each setting is checked by the configuration; here only how they fit together.
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const thresholds = parsed.data;

  const prefix = config.QUEUE_PREFIX;
  return {
    thresholds,
    rates: {
      read: (key) => readSpeakingRate(redis, prefix, key),
      learn: (key, msPerUnit) => learnSpeakingRate(redis, prefix, key, msPerUnit),
    },
    recognizer:
      config.QA_ASR_COMMAND === undefined
        ? undefined
        : {
            command: splitCommand(config.QA_ASR_COMMAND),
            commandLine: config.QA_ASR_COMMAND,
            timeoutMs: config.QA_ASR_TIMEOUT_MS,
            limits: { ...DEFAULT_TRANSCRIPT_LIMITS, minSamples: config.QA_ASR_MIN_SAMPLES },
            scores: {
              read: (key) => readTranscriptScores(redis, prefix, key),
              learn: (key, score) => learnTranscriptScore(redis, prefix, key, score),
            },
          },
    // One folder per process: takes are received here and removed at once.
    tempDir: join(tmpdir(), `tts-batch-takes-${process.pid}`),
  };
}
