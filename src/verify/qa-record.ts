import { z } from 'zod';
import { CHECK_NAMES } from './take-checks.ts';
import { InputError } from '../errors/input-error.ts';

/**
 * The verify-and-retake contract (issue 15), in one room: what a render asks for, what each take
 * of a segment measured, and what the segment reports. The job data (queue/job-data.ts), the
 * segment result and the sidecar (render/), and the manifest all carry these shapes.
 */

/** `off`: no checks. `on` (default): bad takes retaken, the best kept and flagged. `strict`: a segment with no good take fails the render. */
export const QA_MODES = ['off', 'on', 'strict'] as const;
export type QaMode = (typeof QA_MODES)[number];

export const DEFAULT_MAX_TAKES = 2;
/** The most takes one segment may be given: each is billed. */
export const MAX_TAKES_LIMIT = 10;

export const qaRequestSchema = z.object({
  mode: z.enum(['on', 'strict']),
  maxTakes: z.number().int().min(1).max(MAX_TAKES_LIMIT),
});
export type QaRequest = z.infer<typeof qaRequestSchema>;

export const checkOutcomeSchema = z.object({
  check: z.enum(CHECK_NAMES),
  passed: z.boolean(),
  value: z.number(),
  min: z.number().optional(),
  max: z.number().optional(),
});

/** One take of a segment: its verdict, what it billed, and where a failed one waits (storage key) in case it is the best. */
export const takeRecordSchema = z.object({
  take: z.number().int().positive(),
  passed: z.boolean(),
  score: z.number(),
  billedCharacters: z.number().nonnegative().optional(),
  /** Every check, with its value and limits. */
  checks: z.array(checkOutcomeSchema),
  bytes: z.number().int().nonnegative().optional(),
  sha256: z.string().optional(),
  traceId: z.string().optional(),
  /** Where a failed take is kept until the segment is settled. */
  storedAs: z.string().optional(),
});
export type TakeRecord = z.infer<typeof takeRecordSchema>;

/** What the manifest says of one segment's verification. */
export const segmentQaSchema = z.object({
  /** False for a cached segment: it was checked when it was made (`flagged` is what was found then). */
  checked: z.boolean(),
  takes: z.number().int().nonnegative(),
  /** The take whose audio is the segment's. */
  keptTake: z.number().int().positive().optional(),
  /** No take passed: the best one was kept. */
  flagged: z.boolean(),
  /** Every check of the kept take, with its value and limits. */
  checks: z.array(checkOutcomeSchema).optional(),
  /** What the takes after the first billed. */
  retakeBilledCharacters: z.number().nonnegative().optional(),
  /** Why each failed take failed, take by take. */
  failedTakes: z.array(z.object({ take: z.number().int().positive(), failed: z.array(z.string()) })).optional(),
  /** A flagged segment's text as a reader sees it (the manifest's, so a person knows what to listen for). */
  text: z.string().optional(),
});
export type SegmentQa = z.infer<typeof segmentQaSchema>;

/** The render's summary (manifest.qa). */
export interface QaSummary {
  mode: QaMode;
  checked: number;
  retaken: number;
  flagged: number;
  retakes: number;
  retakeBilledCharacters: number;
}

export function summarizeQa(mode: QaMode, segments: readonly (SegmentQa | undefined)[]): QaSummary {
  const summary: QaSummary = { mode, checked: 0, retaken: 0, flagged: 0, retakes: 0, retakeBilledCharacters: 0 };
  for (const qa of segments) {
    if (qa === undefined) continue;
    if (qa.checked) summary.checked += 1;
    if (qa.checked && qa.takes > 1) {
      summary.retaken += 1;
      summary.retakes += qa.takes - 1;
    }
    if (qa.flagged) summary.flagged += 1;
    summary.retakeBilledCharacters += qa.retakeBilledCharacters ?? 0;
  }
  return summary;
}

/**
 * What a render asked (CLI `--qa` / `--max-takes`, API `qa` / `maxTakes`, a schedule's render):
 * the mode defaults to `on` and the takes to DEFAULT_MAX_TAKES; `off` asks for nothing. Bad input
 * is one InputError naming the field and the limit, before anything is planned or billed.
 */
export function parseQaRequest(mode: string | undefined, maxTakes: number | undefined): QaRequest | undefined {
  const asked = mode ?? 'on';
  if (!(QA_MODES as readonly string[]).includes(asked)) throw new InputError('qa', `must be ${QA_MODES.join(', ')}`, asked);
  if (maxTakes !== undefined && (!Number.isInteger(maxTakes) || maxTakes < 1 || maxTakes > MAX_TAKES_LIMIT))
    throw new InputError('maxTakes', `must be a whole number from 1 to ${MAX_TAKES_LIMIT} (each take is billed)`, maxTakes);
  if (asked === 'off') {
    if (maxTakes !== undefined) throw new InputError('maxTakes', 'takes only count with qa on or strict', maxTakes);
    return undefined;
  }
  return { mode: asked as QaRequest['mode'], maxTakes: maxTakes ?? DEFAULT_MAX_TAKES };
}
