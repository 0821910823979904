/**
 * Count, mean and spread of a stream of numbers, by Welford's method, so one record stays three
 * numbers however many samples it has seen: what the speaking-rate model (speaking-rate.ts) and
 * the transcript outlier test (transcript-outlier.ts) both learn from accepted takes.
 */
export interface RunningStats {
  count: number;
  mean: number;
  /** Sum of squared deviations from the mean (Welford's M2). */
  m2: number;
}

export const EMPTY_STATS: RunningStats = { count: 0, mean: 0, m2: 0 };

/** The stats with one more sample. */
export function addSample(stats: RunningStats, x: number): RunningStats {
  const count = stats.count + 1;
  const delta = x - stats.mean;
  const mean = stats.mean + delta / count;
  return { count, mean, m2: stats.m2 + delta * (x - mean) };
}

/** Sample standard deviation; 0 below two samples. */
export function spreadOf(stats: RunningStats): number {
  return stats.count < 2 ? 0 : Math.sqrt(stats.m2 / (stats.count - 1));
}

/** The stats of samples kept as count, Σx and Σx² (how Redis adds them without a race). */
export function statsFromSums(count: number, sum: number, squares: number): RunningStats {
  if (!(count > 0)) return EMPTY_STATS;
  const mean = sum / count;
  // Σx² − (Σx)²/n, never below 0 where rounding would take it there.
  return { count, mean, m2: Math.max(0, squares - sum * mean) };
}
