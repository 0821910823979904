import type { Redis } from 'ioredis';
import type { RateStats } from '../verify/speaking-rate.ts';
import { addToStatsHash, readStatsHash } from './stats-hash.ts';

/** The deployment's learned speaking rates (issue 15 item 1): ln(ms of speech per unit) of accepted takes, per voice and script. */
function rateKey(prefix: string, key: string): string {
  return `${prefix}:speaking-rate:${key}`;
}

export function readSpeakingRate(redis: Redis, prefix: string, key: string): Promise<RateStats> {
  return readStatsHash(redis, rateKey(prefix, key));
}

export async function learnSpeakingRate(redis: Redis, prefix: string, key: string, msPerUnit: number): Promise<void> {
  if (!(msPerUnit > 0) || !Number.isFinite(msPerUnit)) return;
  await addToStatsHash(redis, rateKey(prefix, key), Math.log(msPerUnit));
}
