import { z } from 'zod';

/**
 * The limits of the signal checks (docs/verify.md has each with its reason). Parsed once at the
 * edge from QA_* variables (config/env-values.ts); every field has a default.
 */
export const qaThresholdsSchema = z
  .object({
    /** A 10 ms window quieter than this (RMS, dBFS) is silence. */
    silenceDb: z.number().max(0).default(-50),
    /** Speech under this share of the take: a silent take. */
    minSpeechShare: z.number().min(0).max(1).default(0.1),
    /** Silence before the speech, beyond any pause tag that opens the text. */
    maxLeadingSilenceMs: z.number().int().positive().default(1500),
    /** Silence after the speech, beyond any pause tag that closes the text. */
    maxTrailingSilenceMs: z.number().int().positive().default(2000),
    /** The longest silence inside the speech, beyond the longest pause tag of the text. */
    maxInnerSilenceMs: z.number().int().positive().default(2500),
    /** Share of samples in flattened runs at full scale. */
    maxClippedShare: z.number().min(0).max(1).default(0.001),
    /** |mean sample| ÷ full scale. */
    maxDcOffset: z.number().min(0).max(1).default(0.05),
    /** The last 2 ms louder than this, dB against the 20 ms before them: the take stops mid-sound. */
    cutEndDb: z.number().max(0).default(-10),
    /** The speaking-rate model judges a take's duration once it has learned this many accepted takes of the voice. */
    rateMinSamples: z.number().int().min(2).default(10),
    /** The least a duration may stray from the voice's rate before it fails (×, either way). */
    minDurationTolerance: z.number().gt(1).default(1.25),
    /** The most: a take 1.8 × (or ÷) the voice's rate always fails, however loose the learned spread. */
    maxDurationTolerance: z.number().gt(1).default(1.8),
    /** Without a learned rate: speech longer than this per unit, plus 5 s, is a runaway take. */
    coldMaxMsPerUnit: z.number().positive().default(500),
  })
  .refine((limits) => limits.minDurationTolerance <= limits.maxDurationTolerance, {
    message: 'QA_MIN_DURATION_TOLERANCE must not be above QA_MAX_DURATION_TOLERANCE',
    path: ['minDurationTolerance'],
  });

export type QaThresholds = z.infer<typeof qaThresholdsSchema>;

export const DEFAULT_QA_THRESHOLDS: QaThresholds = qaThresholdsSchema.parse({});
