import { TtsBatchError } from './tts-batch-error.ts';

/** How a run of the QA_ASR_COMMAND went wrong. */
export type RecognizerFailureKind =
  /** The program could not be started (not found, not executable). */
  | 'start'
  /** It exited with a non-zero code. */
  | 'exit'
  /** It was killed by a signal we did not send. */
  | 'signal'
  /** It ran past QA_ASR_TIMEOUT_MS and was killed. */
  | 'timeout'
  /** It printed more than a transcript can be. */
  | 'output';

export interface RecognizerFailure {
  kind: RecognizerFailureKind;
  /** The program run (argv[0] of QA_ASR_COMMAND). */
  program: string;
  exitCode: number | null;
  signal: string | null;
  /** The end of its stderr on one line, where a recognizer says what went wrong. */
  stderrTail: string;
}

/**
 * The recognizer of the transcript check (QA_ASR_COMMAND) failed: it says nothing of the take.
 * Retryable only when the cause may pass: a timeout (a busy machine) or a kill from outside; a
 * program that is missing, exits non-zero or floods its output does the same again.
 */
export class RecognizerError extends TtsBatchError {
  readonly failure: RecognizerFailure;

  constructor(failure: RecognizerFailure, message: string) {
    super('RECOGNIZER_FAILED', `the recognizer (QA_ASR_COMMAND, ${failure.program}) ${message}: ${failure.stderrTail}`, {
      value: failure,
      retryable: failure.kind === 'timeout' || failure.kind === 'signal',
    });
    this.failure = failure;
  }
}
