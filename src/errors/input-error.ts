import { TtsBatchError } from './tts-batch-error.ts';

/** Bad user input: names the field and the rule it broke. Never worth a retry. */
export class InputError extends TtsBatchError {
  readonly field: string;

  constructor(field: string, message: string, value?: unknown) {
    super('INPUT_INVALID', `${field}: ${message}`, { value, retryable: false });
    this.field = field;
  }
}
