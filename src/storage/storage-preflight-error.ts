import { StorageError } from './storage-error.ts';

/**
 * The output a render names cannot be written, found before anything was enqueued or billed.
 * The CLI exits 2 on it and the API answers 422 OUTPUT_NOT_WRITABLE: like bad input, it is the
 * caller's to fix (settings, permissions, the bucket's name). `value` is the output location.
 */
export class StoragePreflightError extends StorageError {
  readonly output: string;

  constructor(output: string, reason: string, details: { retryable: boolean; httpStatus?: number; backendCode?: string; cause?: unknown }) {
    super(`output: ${output} is not writable: ${reason}`, { operation: 'preflight', key: output, ...details });
    this.output = output;
  }
}
