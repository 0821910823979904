export { TtsBatchError } from './tts-batch-error.ts';
export { InputError } from './input-error.ts';
export { ProviderError, type ProviderErrorKind, type ProviderErrorDetails } from './provider-error.ts';
export { IncompleteStreamError } from './incomplete-stream-error.ts';
export { AudioFormatError } from './audio-format-error.ts';
export { ConfigError } from './config-error.ts';
export { NotFoundError } from './not-found-error.ts';
export { EnqueueCleanupError, EnqueueExpiredError } from './enqueue-error.ts';
