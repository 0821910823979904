/**
 * A voice's speaking rate as learned from its accepted takes: the running mean and spread of
 * ln(ms of speech per unit), by Welford's method, so one record stays three numbers however many
 * takes it has seen. Kept per provider, voice, model and script (cache/speaking-rates.ts keeps it
 * in Redis, shared by every worker of the deployment).
 */
export interface RateStats {
  count: number;
  /** Mean of ln(ms per unit). */
  mean: number;
  /** Sum of squared deviations from the mean (Welford's M2). */
  m2: number;
}

export const EMPTY_RATE: RateStats = { count: 0, mean: 0, m2: 0 };

/** The stats with one more accepted take of `msPerUnit`. */
export function addRate(stats: RateStats, msPerUnit: number): RateStats {
  const x = Math.log(msPerUnit);
  const count = stats.count + 1;
  const delta = x - stats.mean;
  const mean = stats.mean + delta / count;
  return { count, mean, m2: stats.m2 + delta * (x - mean) };
}

/** Standard deviation of ln(ms per unit); 0 below two takes. */
export function rateSpread(stats: RateStats): number {
  return stats.count < 2 ? 0 : Math.sqrt(stats.m2 / (stats.count - 1));
}

/** The voice's typical ms of speech per unit (the geometric mean of its takes). */
export function typicalMsPerUnit(stats: RateStats): number {
  return Math.exp(stats.mean);
}

/** Where a rate record lives: one per voice and script, as every provider's voices differ. */
export function rateKeyOf(parts: { provider: string; voice: string; model?: string | undefined; script: string }): string {
  return [parts.provider, parts.model ?? '-', parts.voice, parts.script].map(encodeURIComponent).join(':');
}
