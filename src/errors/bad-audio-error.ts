import { ProviderError } from './provider-error.ts';

/**
 * A provider answered, but what it sent is not the audio that was asked for (empty, another
 * container or codec, another sample rate or channel count, undecodable bytes, or far longer
 * than the text could take to speak). Nothing is stored, and a retry may well get a good answer,
 * so it is retryable. `found` is what was received ("wav", "16000 Hz", "412 junk bytes").
 */
export class BadAudioError extends ProviderError {
  readonly found: unknown;

  constructor(provider: string, message: string, found: unknown) {
    super(message, { provider, kind: 'retryable', providerCode: 'BAD_AUDIO' });
    this.found = found;
  }
}
