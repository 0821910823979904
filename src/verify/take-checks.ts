import type { QaThresholds } from './qa-thresholds.ts';
import { rateSpread, typicalMsPerUnit, type RateStats } from './speaking-rate.ts';
import type { TakeSignal } from './take-signal.ts';
import type { TextExpectation } from './text-expectation.ts';

export const CHECK_NAMES = [
  'silent',
  'leadingSilence',
  'trailingSilence',
  'innerSilence',
  'clipping',
  'dcOffset',
  'cutEnding',
  'duration',
  'transcript',
  /** The take could not be decoded at all (none of the others was measured). */
  'decode',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** One check of one take: what it measured and the limit it was held to. */
export interface CheckOutcome {
  check: CheckName;
  passed: boolean;
  /** The measured value (ms, a share, dB or a ratio; see docs/verify.md). */
  value: number;
  /** `value` must be ≤ max and ≥ min (whichever are given). */
  min?: number;
  max?: number;
}

export interface TakeVerdict {
  passed: boolean;
  checks: CheckOutcome[];
  /** In [0, 1]: the share of checks passed, less how far the duration strays; the best take has the highest. */
  score: number;
  /** ms of speech per unit (pauses and edge silence left out): what the speaking-rate model learns from. */
  msPerUnit: number | null;
  /** How far the duration strays from the voice's rate, |ln ratio| (0 without a learned rate): part of the score. */
  stray: number;
}

/** Tolerance widens for short texts, whose rate varies more: ×(1 + SHORT_TEXT_UNITS ÷ units). */
const SHORT_TEXT_UNITS = 8;
/** Without a learned rate, a runaway take is this much longer than the cold bound allows. */
const COLD_SLACK_MS = 5000;
/**
 * A Han, kana or Hangul unit counts this many times in the cold bound: spoken several times
 * slower than a letter (about 250 ms), and spelled out by a voice of another language (espeak's
 * en-us says "Chinese letter", about 900 ms).
 */
const COLD_CJK_WEIGHT = 3;
/** The smaller script's share of a text's units from which the text counts as two scripts. */
const MIXED_SCRIPT_SHARE = 0.05;

function isMixedScript(text: TextExpectation): boolean {
  if (text.units === 0) return false;
  const minority = Math.min(text.cjkUnits, text.units - text.cjkUnits);
  return minority / text.units >= MIXED_SCRIPT_SHARE;
}

const round = (value: number, digits: number): number => {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

function bounded(check: CheckName, value: number, limits: { min?: number; max?: number }): CheckOutcome {
  const passed = (limits.min === undefined || value >= limits.min) && (limits.max === undefined || value <= limits.max);
  return { check, passed, value, ...limits };
}

/**
 * Judges a take (issue 15 item 1). `rate` is what the deployment learned of this voice so far;
 * below `rateMinSamples` takes the duration is held only to the cold bound (a runaway take).
 */
export function judgeTake(signal: TakeSignal, text: TextExpectation, rate: RateStats, limits: QaThresholds): TakeVerdict {
  const checks: CheckOutcome[] = [
    bounded('silent', round(signal.durationMs > 0 ? signal.speechMs / signal.durationMs : 0, 4), { min: limits.minSpeechShare }),
    bounded('leadingSilence', Math.round(signal.leadingSilenceMs), { max: limits.maxLeadingSilenceMs + text.leadingPauseMs }),
    bounded('trailingSilence', Math.round(signal.trailingSilenceMs), { max: limits.maxTrailingSilenceMs + text.trailingPauseMs }),
    bounded('innerSilence', Math.round(signal.longestInnerSilenceMs), { max: limits.maxInnerSilenceMs + text.longestPauseMs }),
    bounded('clipping', round(signal.clippedShare, 5), { max: limits.maxClippedShare }),
    bounded('dcOffset', round(Math.abs(signal.dcOffset), 4), { max: limits.maxDcOffset }),
    bounded('cutEnding', round(Math.max(signal.endLevelDb, -120), 1), { max: limits.cutEndDb }),
  ];
  const spanMs = signal.durationMs - signal.leadingSilenceMs - signal.trailingSilenceMs - text.pausesMs;
  // A text of two scripts has no one rate: a voice speaks each at its own pace (en-us spells a
  // Han character out as "Chinese letter"). Its length is held to the cold bound only, and it
  // teaches the model nothing.
  const mixed = isMixedScript(text);
  const msPerUnit = text.units > 0 && spanMs > 0 && !mixed ? spanMs / text.units : null;
  let stray = 0;
  if (text.units > 0) {
    if (rate.count >= limits.rateMinSamples && msPerUnit !== null) {
      const spread = Math.min(Math.max(4 * rateSpread(rate), Math.log(limits.minDurationTolerance)), Math.log(limits.maxDurationTolerance));
      const tolerance = Math.exp(spread) * (1 + SHORT_TEXT_UNITS / text.units);
      const ratio = msPerUnit / typicalMsPerUnit(rate);
      stray = Math.abs(Math.log(ratio));
      checks.push(bounded('duration', round(ratio, 3), { min: round(1 / tolerance, 3), max: round(tolerance, 3) }));
    } else {
      const otherUnits = text.units - text.cjkUnits;
      const coldMax = (otherUnits + COLD_CJK_WEIGHT * text.cjkUnits) * limits.coldMaxMsPerUnit + COLD_SLACK_MS + text.pausesMs;
      checks.push(bounded('duration', Math.round(signal.durationMs), { max: coldMax }));
    }
  }
  return verdictOf(checks, stray, msPerUnit);
}

function verdictOf(checks: CheckOutcome[], stray: number, msPerUnit: number | null): TakeVerdict {
  const passedCount = checks.filter((check) => check.passed).length;
  return {
    passed: passedCount === checks.length,
    checks,
    score: round(Math.max(0, passedCount / checks.length - Math.min(stray, 1) * 0.05), 4),
    msPerUnit,
    stray,
  };
}

/** The verdict with one more check (the recognizer's), its pass and score counted again. */
export function withCheck(verdict: TakeVerdict, check: CheckOutcome): TakeVerdict {
  return verdictOf([...verdict.checks, check], verdict.stray, verdict.msPerUnit);
}
