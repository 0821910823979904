/**
 * Milliseconds spent in each step of one job, for the debug log of the hot path (issue 14 item 6:
 * where a segment's time goes besides the provider). Costs one performance.now() a step.
 */
export interface StepTimings {
  /** Ends the step running since the last lap (or the start) and names it. */
  lap(step: string): void;
  /** Every step so far, in ms rounded to 0.01, and `total`. */
  result(): Record<string, number>;
}

export function stepTimings(): StepTimings {
  const started = performance.now();
  let last = started;
  const steps: Record<string, number> = {};
  const round = (ms: number): number => Math.round(ms * 100) / 100;
  return {
    lap(step) {
      const now = performance.now();
      steps[step] = round((steps[step] ?? 0) + now - last);
      last = now;
    },
    result() {
      return { ...steps, total: round(last - started) };
    },
  };
}
