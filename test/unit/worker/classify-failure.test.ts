import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { AudioFormatError } from '../../../src/errors/audio-format-error.ts';
import { ConfigError } from '../../../src/errors/config-error.ts';
import { IncompleteStreamError } from '../../../src/errors/incomplete-stream-error.ts';
import { InputError } from '../../../src/errors/input-error.ts';
import { NotFoundError } from '../../../src/errors/not-found-error.ts';
import { ProviderError } from '../../../src/errors/provider-error.ts';
import { TtsBatchError } from '../../../src/errors/tts-batch-error.ts';
import { isRetryableS3Error, readS3Error } from '../../../src/storage/s3-errors.ts';
import { StorageError } from '../../../src/storage/storage-error.ts';
import { WebhookDeliveryError } from '../../../src/webhooks/webhook-delivery-error.ts';
import { classifyFailure } from '../../../src/worker/classify-failure.ts';

/** A StorageError as S3Storage makes it from what the SDK threw. */
function s3Failure(sdkError: Record<string, unknown>): StorageError {
  const facts = readS3Error(Object.assign(new Error('failed'), sdkError));
  return new StorageError(`put "k" in s3://b/p failed: ${facts.name}`, {
    operation: 'put',
    key: 'k',
    retryable: isRetryableS3Error(facts),
  });
}

describe('classifyFailure reads the one `retryable` every error class sets', () => {
  it.each([
    ['AccessDenied', 403],
    ['InvalidAccessKeyId', 403],
    ['SignatureDoesNotMatch', 403],
    ['NoSuchBucket', 404],
  ])('a storage %s (HTTP %i) fails the job at once: no retry can fix permissions or a missing bucket', (name, status) => {
    const error = s3Failure({ name, $metadata: { httpStatusCode: status } });
    expect(error.retryable).toBe(false);
    expect(classifyFailure(error, 1000)).toEqual({ action: 'fail', reason: error.message });
  });

  it('a storage 503, throttling or dropped connection is retried', () => {
    for (const sdkError of [
      { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } },
      { name: 'SlowDown', $metadata: { httpStatusCode: 429 } },
      { name: 'Error', code: 'ECONNRESET' },
    ]) {
      expect(classifyFailure(s3Failure(sdkError), 1000).action, JSON.stringify(sdkError)).toBe('retry');
    }
  });

  it('a local folder that is denied fails; one out of descriptors is retried', () => {
    expect(classifyFailure(new StorageError('denied', { operation: 'put', retryable: false }), 0).action).toBe('fail');
    expect(classifyFailure(new StorageError('EMFILE', { operation: 'put', retryable: true }), 0).action).toBe('retry');
  });

  it('providers: fatal fails, retryable retries, rate-limited waits (as before)', () => {
    const fatal = new ProviderError('bad key', { provider: 'p', kind: 'fatal' });
    const retry = new IncompleteStreamError('p', 'cut');
    const limited = new ProviderError('slow down', { provider: 'p', kind: 'rate-limited', retryAfterMs: 1234 });
    expect([fatal.retryable, retry.retryable, limited.retryable]).toEqual([false, true, true]);
    expect(classifyFailure(fatal, 1000).action).toBe('fail');
    expect(classifyFailure(retry, 1000).action).toBe('retry');
    expect(classifyFailure(limited, 1000)).toMatchObject({ action: 'rate-limit', waitMs: 1234 });
    expect(classifyFailure(new ProviderError('slow down', { provider: 'p', kind: 'rate-limited' }), 999)).toMatchObject({
      action: 'rate-limit',
      waitMs: 999,
    });
  });

  it('input, config, audio-format and not-found errors are never retried', () => {
    for (const error of [
      new InputError('voice', 'unknown'),
      new ConfigError('no key'),
      new AudioFormatError('mismatch'),
      new NotFoundError('gone'),
    ]) {
      expect(error.retryable, error.name).toBe(false);
      expect(classifyFailure(error, 0).action, error.name).toBe('fail');
    }
  });

  it('webhook deliveries keep their own verdict', () => {
    expect(classifyFailure(new WebhookDeliveryError('410', { retryable: false, status: 410 }), 0).action).toBe('fail');
    expect(classifyFailure(new WebhookDeliveryError('503', { retryable: true, status: 503 }), 0).action).toBe('retry');
  });

  it('any other deliberate error follows its flag; a foreign error is retried; UnrecoverableError fails', () => {
    expect(classifyFailure(new TtsBatchError('X', 'x', { retryable: false }), 0).action).toBe('fail');
    expect(classifyFailure(new TtsBatchError('X', 'x', { retryable: true }), 0).action).toBe('retry');
    expect(classifyFailure(new Error('socket hang up'), 0).action).toBe('retry');
    expect(classifyFailure(new UnrecoverableError('stop'), 0).action).toBe('fail');
  });
});
