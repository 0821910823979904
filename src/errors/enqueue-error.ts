import { TtsBatchError } from './tts-batch-error.ts';

/**
 * The flow was added after the enqueue's deadline, when the reconciler had already failed the
 * render as never enqueued (ENQUEUE_RECONCILE_MS too short for this book, or a stalled
 * process). The flow is taken back; trying again enqueues a new render.
 */
export class EnqueueExpiredError extends TtsBatchError {
  constructor(renderId: string, windowMs: number) {
    super(
      'ENQUEUE_EXPIRED',
      `render ${renderId}: the enqueue took longer than ENQUEUE_RECONCILE_MS (${windowMs} ms) and the render was failed; try again`,
      {
        retryable: true,
        value: renderId,
      },
    );
  }
}

/**
 * Enqueueing failed, and undoing what it had written failed too. Carries both: `cause` is the
 * enqueue's error, `cleanupError` the undo's. What is left is a `queued` record without a
 * flow, which the reconciler fails within ENQUEUE_RECONCILE_MS.
 */
export class EnqueueCleanupError extends TtsBatchError {
  readonly cleanupError: unknown;

  constructor(renderId: string, cause: unknown, cleanupError: unknown) {
    super(
      'ENQUEUE_CLEANUP_FAILED',
      `render ${renderId} could not be enqueued (${messageOf(cause)}), and removing its record failed too (${messageOf(cleanupError)}); the reconciler fails it within ENQUEUE_RECONCILE_MS`,
      { retryable: true, value: renderId, cause },
    );
    this.cleanupError = cleanupError;
  }
}

/**
 * The flow was added, but confirming the enqueue failed (Redis went away for a moment). The
 * render exists and will run: the reconciler confirms it within ENQUEUE_RECONCILE_MS and keeps
 * its Idempotency-Key, so a retry with the same key gets this render back instead of a second
 * one. Nothing is undone.
 */
export class EnqueueUnconfirmedError extends TtsBatchError {
  constructor(renderId: string, cause: unknown) {
    super(
      'ENQUEUE_UNCONFIRMED',
      `render ${renderId} was enqueued, but confirming it failed (${messageOf(cause)}); it will run, and a retry with the same Idempotency-Key returns it`,
      {
        retryable: true,
        value: renderId,
        cause,
      },
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
