import { ProviderError } from './provider-error.ts';

/** A stream or socket that ended before its terminal marker: the audio is partial and is never stored. */
export class IncompleteStreamError extends ProviderError {
  constructor(provider: string, message: string, cause?: unknown) {
    super(message, { provider, kind: 'retryable', providerCode: 'INCOMPLETE_STREAM', cause });
  }
}
