/**
 * Why the join puts silence after a segment. Only `break-tag` exists today (a `<break time=N>`
 * the provider cannot say, cut out by the planner); the mastering work adds the others, so
 * every store and schema of a pause takes its reason from this one list.
 */
export const PAUSE_REASONS = ['break-tag'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** Silence the plan asks for at a place, in milliseconds (the join rounds it up to whole frames). */
export interface Pause {
  ms: number;
  reason: PauseReason;
}
