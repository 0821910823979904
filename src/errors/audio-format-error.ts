import { TtsBatchError } from './tts-batch-error.ts';

/** Audio that cannot be joined as it is (mismatched sample rate, channels, codec; not audio at all). */
export class AudioFormatError extends TtsBatchError {
  constructor(message: string, value?: unknown) {
    super('AUDIO_FORMAT', message, { value, retryable: false });
  }
}
