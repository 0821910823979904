import { defaultRepeatStrategy } from 'bullmq';
import { InputError } from '../errors/input-error.ts';
import type { ScheduleTiming } from '../render/schedule-definition.ts';

/** How a user asks when a schedule fires (CLI flags or API fields), before validation. */
export interface RawTiming {
  cron?: string | undefined;
  every?: number | undefined;
  tz?: string | undefined;
}

/** The shortest `every`: a run lists and hashes the whole library, so not more than once a second. */
export const MIN_EVERY_MS = 1000;

/**
 * Checks when a schedule fires: a cron pattern BullMQ's scheduler can compute (5 fields, or 6
 * with seconds first) in a time zone the runtime knows, or every N ms. One InputError naming
 * the field, before anything is written.
 */
export function checkTiming(raw: RawTiming): ScheduleTiming {
  if ((raw.cron === undefined) === (raw.every === undefined))
    throw new InputError('cron', 'give a cron pattern (e.g. "0 2 * * *") or every (ms), one of them', raw.cron);
  if (raw.every !== undefined) {
    if (raw.tz !== undefined) throw new InputError('tz', 'applies to a cron pattern, not to every', raw.tz);
    if (!Number.isSafeInteger(raw.every) || raw.every < MIN_EVERY_MS)
      throw new InputError('every', `must be a whole number of milliseconds, ${MIN_EVERY_MS} or more`, raw.every);
    return { every: raw.every };
  }
  const cron = (raw.cron ?? '').trim();
  if (raw.tz !== undefined) checkTimeZone(raw.tz);
  try {
    if (defaultRepeatStrategy(Date.now(), { pattern: cron, ...(raw.tz === undefined ? {} : { tz: raw.tz }) }) === undefined)
      throw new Error('it never fires');
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InputError(
      'cron',
      `${JSON.stringify(cron)} is not a cron pattern (minute hour day month weekday, e.g. "0 2 * * *"): ${why}`,
      cron,
    );
  }
  return raw.tz === undefined ? { cron } : { cron, tz: raw.tz };
}

/** When the schedule fires next after `from` (epoch ms), as its job scheduler computes it. */
export function nextRunAt(timing: ScheduleTiming, from: number = Date.now()): number | undefined {
  if ('every' in timing) return undefined;
  return defaultRepeatStrategy(from, { pattern: timing.cron, ...(timing.tz === undefined ? {} : { tz: timing.tz }) });
}

function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new InputError('tz', 'is not a time zone this runtime knows (an IANA name, e.g. Europe/Berlin)', tz);
  }
}
