import type { TaskStatus } from '../provider.ts';

type StatusState = TaskStatus['state'];

/**
 * Every status word we map, in one table (docs/providers/ai302.md: the words are UNCONFIRMED;
 * 302.AI's other task APIs say pending/processing/completed/success/failed). Words are compared
 * lower-cased with spaces and dashes as underscores. A word not listed counts as running: a new
 * in-between state must not fail a paid task, and the deadline ends one that never settles.
 */
export const STATUS_WORDS: Readonly<Record<string, StatusState>> = {
  pending: 'running',
  queued: 'running',
  queue: 'running',
  waiting: 'running',
  submitted: 'running',
  created: 'running',
  processing: 'running',
  running: 'running',
  in_progress: 'running',
  started: 'running',
  generating: 'running',
  success: 'succeeded',
  succeeded: 'succeeded',
  successful: 'succeeded',
  completed: 'succeeded',
  complete: 'succeeded',
  done: 'succeeded',
  finished: 'succeeded',
  failed: 'failed',
  failure: 'failed',
  fail: 'failed',
  error: 'failed',
  errored: 'failed',
  cancelled: 'failed',
  canceled: 'failed',
  expired: 'failed',
  timeout: 'failed',
  timed_out: 'failed',
};

export function statusStateOf(word: string): StatusState {
  const key = word
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return STATUS_WORDS[key] ?? 'running';
}

/**
 * A failed task's message that blames the input: a new task with the same input fails the same
 * way, so the segment fails for good. Anything else (a GPU crash, a timeout, an expired queue
 * slot) is the provider's fault and a new task may succeed.
 */
const INPUT_BLAMED =
  /\b(invalid|illegal|not allowed|not supported|unsupported|too long|exceeds?|exceeded|bad request|malformed|sensitive|content policy|moderation|violat\w*)\b|参数|非法|无效|违规|敏感|过长|超出/iu;

export function failureIsRetryable(message: string): boolean {
  return !INPUT_BLAMED.test(message);
}
