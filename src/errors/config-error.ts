import { TtsBatchError } from './tts-batch-error.ts';

/** The environment or options are wrong; raised once, at start-up. */
export class ConfigError extends TtsBatchError {
  constructor(message: string, value?: unknown) {
    super('CONFIG_INVALID', message, { value, retryable: false });
  }
}
