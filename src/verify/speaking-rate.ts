import { addSample, EMPTY_STATS, spreadOf, type RunningStats } from './running-stats.ts';

/**
 * A voice's speaking rate as learned from its accepted takes: the running mean and spread of
 * ln(ms of speech per unit), by Welford's method, so one record stays three numbers however many
 * takes it has seen (running-stats.ts). Kept per provider, voice, model and script (render/speaking-rates.ts keeps it
 * in Redis, shared by every worker of the deployment). The mean is of the logs, so
 * typicalMsPerUnit is a geometric mean.
 */
export type RateStats = RunningStats;

export const EMPTY_RATE: RateStats = EMPTY_STATS;

/** The stats with one more accepted take of `msPerUnit`. */
export function addRate(stats: RateStats, msPerUnit: number): RateStats {
  return addSample(stats, Math.log(msPerUnit));
}

/** Standard deviation of ln(ms per unit); 0 below two takes. */
export const rateSpread: (stats: RateStats) => number = spreadOf;

/** The voice's typical ms of speech per unit (the geometric mean of its takes). */
export function typicalMsPerUnit(stats: RateStats): number {
  return Math.exp(stats.mean);
}

/** Where a rate record lives: one per voice and script, as every provider's voices differ. */
export function rateKeyOf(parts: { provider: string; voice: string; model?: string | undefined; script: string }): string {
  return [parts.provider, parts.model ?? '-', parts.voice, parts.script].map(encodeURIComponent).join(':');
}
