import { TtsBatchError } from '../errors/tts-batch-error.ts';

export interface StorageErrorDetails {
  /** What was being done: 'put', 'get', 'head', 'delete'. */
  operation: string;
  key?: string;
  /** Whether trying the same call again may succeed (network, 5xx, throttling). */
  retryable: boolean;
  httpStatus?: number;
  /** The backend's own name for the failure: S3's error code (AccessDenied, NoSuchBucket), or Node's (ECONNREFUSED, EACCES). */
  backendCode?: string;
  cause?: unknown;
}

/**
 * A storage backend refused or failed a call. The message names the operation, the location and
 * the backend's own error code; it never carries credentials. `value` is the key.
 */
export class StorageError extends TtsBatchError {
  readonly operation: string;
  readonly httpStatus: number | undefined;
  readonly backendCode: string | undefined;

  constructor(message: string, details: StorageErrorDetails) {
    super('STORAGE_FAILED', message, { value: details.key, cause: details.cause, retryable: details.retryable });
    this.operation = details.operation;
    this.httpStatus = details.httpStatus;
    this.backendCode = details.backendCode;
  }
}
