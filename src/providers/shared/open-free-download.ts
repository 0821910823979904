import pRetry from 'p-retry';
import { ProviderError } from '../../errors/provider-error.ts';

/**
 * Tries of opening a result download in-process (the first included): a few, close together,
 * because a download that still fails goes back to the job's durable retries.
 */
export const FREE_DOWNLOAD_TRIES = 3;
const BACKOFF = { minTimeout: 250, factor: 2, maxTimeout: 1000, randomize: true } as const;

/** Waiting for headers or a connection already took its timeout: the job's backoff is the better wait. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/**
 * Opens the download of a result that is already paid for (a finished 302.AI task's file, a
 * SenseNova url-mode link): a GET that costs nothing and changes nothing, so a passing failure of
 * it is worth a quick retry here rather than a job attempt, which waits the job's backoff and, once
 * the link is given up, buys the synthesis again. Only the opening is retried, never a stream
 * that has started: its bytes are already downstream.
 *
 * Retried: 5xx answers and failures on the wire (reset, refused, closed). Not retried: 403/404/410
 * (not published yet, or expired: the job's retry handles those, bounded, with its backoff as the
 * wait), 429 (flow control, for the whole provider queue), timeouts, an abort, anything else.
 */
export function openFreeDownload<T>(open: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  // No `signal` for p-retry itself: it throws on an abort that lands after `open` resolved, which
  // would drop a response whose body nobody then closes. `open` checks the signal on every try.
  return pRetry(open, {
    retries: FREE_DOWNLOAD_TRIES - 1,
    ...BACKOFF,
    shouldRetry: ({ error }) => signal?.aborted !== true && isPassingOpenFailure(error),
  });
}

function isPassingOpenFailure(error: Error): boolean {
  if (!(error instanceof ProviderError) || error.kind !== 'retryable') return false;
  if (error.httpStatus !== undefined) return error.httpStatus >= 500;
  return !TIMEOUT_CODES.has(String(error.providerCode));
}
