import { BadAudioError } from '../errors/bad-audio-error.ts';
import { ProviderError } from '../errors/provider-error.ts';
import type { SynthesizeJobData } from '../queue/job-data.ts';

type Task = NonNullable<SynthesizeJobData['task']>;

/**
 * Failed downloads a finished task gets before a new task is bought. A link not published yet or a
 * cut connection deserves one more try of the same (paid) file (a dead link is retryable once:
 * docs/providers/sensenova.md, "Errors"); a link still failing after that is likely expired or
 * dead, and retrying it would spend every attempt of the job on it.
 */
export const MAX_TASK_DOWNLOAD_FAILURES = 2;

/**
 * The task to keep in the job after its audio failed to arrive, or undefined when the next
 * attempt must submit a new one. A bad answer (BadAudioError: wrong format, undecodable, far too
 * long) is the task's result itself: downloading it again gets the same bytes, so it is dropped
 * at once. A rate limit is flow control and counts as no failure.
 */
export function taskAfterFailedDownload(task: Task, error: unknown): Task | undefined {
  if (error instanceof BadAudioError) return undefined;
  if (error instanceof ProviderError && error.kind === 'rate-limited') return task;
  const downloadFailures = (task.downloadFailures ?? 0) + 1;
  return downloadFailures >= MAX_TASK_DOWNLOAD_FAILURES ? undefined : { ...task, downloadFailures };
}
