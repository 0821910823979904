import { TtsBatchError } from './tts-batch-error.ts';

/** Something asked for by name (a stored object, a render) does not exist. `value` is the name. */
export class NotFoundError extends TtsBatchError {
  constructor(message: string, value?: unknown) {
    super('NOT_FOUND', message, { value, retryable: false });
  }
}
