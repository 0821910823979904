import type { Redis } from 'ioredis';
import { InputError } from '../errors/input-error.ts';
import { renderKeys } from './render-keys.ts';

/** A provider's budget: units it may bill per window (PROVIDER_DAILY_BUDGET; the window is a UTC day unless BUDGET_WINDOW_MS says otherwise). */
export interface ProviderBudget {
  provider: string;
  unitsPerWindow: number;
  windowMs: number;
}

/** How many windows ahead a render may book its units before it is refused: a week of days. */
const WINDOWS_AHEAD = 7;

const budgetKey = (prefix: string, provider: string): string => `${prefix}:budget:${provider}`;

/**
 * Books `units` in the first window (from the current one on) whose booked units leave room for
 * them; windows gone by are dropped. Returns that window's start (ms), or -1 when none of the
 * next WINDOWS_AHEAD has room. Atomic: two renders enqueued at once never both take the last room.
 */
const RESERVE = `
local key = KEYS[1]
local first = tonumber(ARGV[1])
local length = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local units = tonumber(ARGV[4])
local ahead = tonumber(ARGV[5])
for _, field in ipairs(redis.call('HKEYS', key)) do
  if tonumber(field) < first then redis.call('HDEL', key, field) end
end
for i = 0, ahead - 1 do
  local window = first + i * length
  local booked = tonumber(redis.call('HGET', key, tostring(window)) or '0')
  if booked + units <= limit then
    redis.call('HINCRBY', key, tostring(window), units)
    return window
  end
end
return -1`;

/** Where a render's units were booked: the window's start, and the units (released in part when it bills less). */
export interface BudgetBooking {
  provider: string;
  windowStart: string;
  units: number;
}

/**
 * Books a render's estimated units (what it would bill: cached segments cost 0) against its
 * provider's budget: in the current window when they fit, else the first later one with room,
 * so the render waits for it. A render larger than a whole window, or finding no room within a
 * week, is refused (InputError naming `budget`) before anything is enqueued.
 */
export async function bookBudget(
  redis: Redis,
  prefix: string,
  budget: ProviderBudget,
  units: number,
  now = Date.now(),
): Promise<BudgetBooking> {
  const per = budget.unitsPerWindow.toLocaleString('en-US');
  if (units > budget.unitsPerWindow)
    throw new InputError(
      'budget',
      `the render would bill ${units.toLocaleString('en-US')} units, more than ${budget.provider}'s whole budget of ${per} per window (PROVIDER_DAILY_BUDGET); nothing was enqueued`,
      units,
    );
  const first = Math.floor(now / budget.windowMs) * budget.windowMs;
  const window = (await redis.eval(
    RESERVE,
    1,
    budgetKey(prefix, budget.provider),
    String(first),
    String(budget.windowMs),
    String(budget.unitsPerWindow),
    String(units),
    String(WINDOWS_AHEAD),
  )) as number;
  if (window < 0)
    throw new InputError(
      'budget',
      `${budget.provider}'s budget of ${per} units per window is booked for the next ${WINDOWS_AHEAD} windows; the render's ${units.toLocaleString('en-US')} units fit in none; nothing was enqueued`,
      units,
    );
  return { provider: budget.provider, windowStart: new Date(window).toISOString(), units };
}

/**
 * A budgeted render's booking follows what it billed once it has ended (completed, failed,
 * cancelled), however it ended. It booked its estimate (first takes of the segments not
 * cached); it may bill less (cached after all, cancelled or failed part-way: the rest is free
 * again for others) or more (retakes of flagged takes, a stalled job's call made twice: counted,
 * so the window and `tts-batch providers` show what was spent). `budgetHeld` on the record is
 * what the window holds for it now (absent: the booking), so settling again after a late report
 * (a segment billed after the render ended) moves only the difference, and settling twice moves
 * nothing. A record from before billedUnits were counted (no `budgetTracked`) is left as booked.
 * KEYS: record, budget hash. ARGV: window (ms), units booked, '1' to settle before an end (an
 * enqueue taken back: nothing can have been billed). 1: settled; 0: not ended, or untracked;
 * -1: no such render.
 */
const SETTLE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'budgetTracked') ~= '1' then return 0 end
local status = redis.call('HGET', KEYS[1], 'status')
if ARGV[3] ~= '1' and status ~= 'completed' and status ~= 'failed' and status ~= 'cancelled' then return 0 end
local billed = tonumber(redis.call('HGET', KEYS[1], 'billedUnits') or '0')
local held = tonumber(redis.call('HGET', KEYS[1], 'budgetHeld') or ARGV[2])
if billed ~= held then
  redis.call('HINCRBY', KEYS[2], ARGV[1], billed - held)
  redis.call('HSET', KEYS[1], 'budgetHeld', billed)
end
return 1`;

/**
 * Settles a render's booking against what it billed (SETTLE); nothing for a render without
 * one, or one still running. Called at every end (completed, failed, cancelled, never
 * enqueued) and again when a segment reports billing after its render ended.
 * `beforeEnd`: an enqueue being taken back (its flow never added), whose whole booking goes.
 */
export async function settleRenderBudget(
  redis: Redis,
  prefix: string,
  renderId: string,
  options: { beforeEnd?: boolean } = {},
): Promise<void> {
  const record = renderKeys(prefix, renderId).record;
  const spec = await redis.hget(record, 'spec');
  if (spec === null) return;
  const booking = (JSON.parse(spec) as { budget?: BudgetBooking }).budget;
  if (booking === undefined) return;
  await redis.eval(
    SETTLE,
    2,
    record,
    budgetKey(prefix, booking.provider),
    String(Date.parse(booking.windowStart)),
    String(booking.units),
    options.beforeEnd === true ? '1' : '0',
  );
}

/** Gives back what a render booked but did not bill (cached segments, a cancel); never below what it billed. */
export async function releaseBudget(redis: Redis, prefix: string, booking: BudgetBooking, billed: number): Promise<void> {
  const unused = Math.max(0, booking.units - Math.max(0, billed));
  if (unused === 0) return;
  await redis.hincrby(budgetKey(prefix, booking.provider), String(Date.parse(booking.windowStart)), -unused);
}

/** Units booked in the current window (for `tts-batch providers` and /metrics). */
export async function bookedNow(redis: Redis, prefix: string, budget: ProviderBudget, now = Date.now()): Promise<number> {
  const first = Math.floor(now / budget.windowMs) * budget.windowMs;
  return Number((await redis.hget(budgetKey(prefix, budget.provider), String(first))) ?? 0);
}

/** Why a render whose units were booked in a later window has not started: said by status and the API until that window opens. */
export function budgetWait(
  budget: { provider: string; waitsUntil?: string | undefined } | undefined,
  now = Date.now(),
): string | undefined {
  if (budget?.waitsUntil === undefined || Date.parse(budget.waitsUntil) <= now) return undefined;
  return `waiting for ${budget.provider}'s budget (PROVIDER_DAILY_BUDGET): this window is booked; the render starts by itself at ${budget.waitsUntil}`;
}
