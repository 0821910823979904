/** What every deliberate error says besides its message. */
export interface TtsBatchErrorOptions {
  /**
   * Whether trying the same thing again can help. The one meaning of "retryable" in the project:
   * the worker's failure classifier reads it for every error class, so each class decides it
   * once, where the failure is understood (a 403 from storage: no; a dropped connection: yes).
   */
  retryable: boolean;
  value?: unknown;
  cause?: unknown;
}

/**
 * Base of every error this project throws on purpose. `code` is stable and machine-readable;
 * `value` is the offending value when there is one (never a secret).
 */
export class TtsBatchError extends Error {
  readonly code: string;
  readonly value: unknown;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: TtsBatchErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.value = options.value;
    this.retryable = options.retryable;
  }
}
