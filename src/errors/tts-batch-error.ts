/**
 * Base of every error this project throws on purpose. `code` is stable and machine-readable;
 * `value` is the offending value when there is one (never a secret).
 */
export class TtsBatchError extends Error {
  readonly code: string;
  readonly value: unknown;

  constructor(code: string, message: string, options: { value?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.value = options.value;
  }
}
