import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/errors/provider-error.ts';
import { classifyConnectError, classifyTaskFailure, classifyUpgradeResponse } from '../../../../src/providers/cosyvoice/classify-error.ts';

describe('classifyTaskFailure', () => {
  it.each([
    ['Throttling', 'rate-limited'],
    ['Throttling.RateQuota', 'rate-limited'],
    ['Throttling.AllocationQuota', 'rate-limited'],
    ['InvalidParameter', 'fatal'],
    ['InvalidApiKey', 'fatal'],
    ['AccessDenied', 'fatal'],
    ['AccessDenied.Unpurchased', 'fatal'],
    ['DataInspectionFailed', 'fatal'],
    ['Arrearage', 'fatal'],
    ['InternalError', 'retryable'],
    ['InternalError.Algo', 'retryable'],
    ['RequestTimeOut', 'retryable'],
    ['503', 'retryable'],
    ['504', 'retryable'],
    ['SomethingNobodyDocumented', 'retryable'],
    // A prefix must end at a dot: this is not a Throttling code.
    ['ThrottlingX', 'retryable'],
  ])('%s → %s', (code, kind) => {
    const error = classifyTaskFailure(code, 'the message', { taskId: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' });
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe(kind);
    expect(error.providerCode).toBe(code);
    expect(error.traceId).toBe('a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6');
    expect(error.message).toContain('[task_id a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6]');
  });

  it('quotes the service message, with any secret in it redacted', () => {
    const error = classifyTaskFailure('InvalidParameter', 'voice sk-123 not found', {
      redact: (text) => text.split('sk-123').join('[redacted]'),
    });
    expect(error.message).toBe('cosyvoice: invalid request parameters (task-failed InvalidParameter: "voice [redacted] not found")');
  });

  it('says which variable to check for a refused key and quotes nothing from the server', () => {
    const error = classifyTaskFailure('InvalidApiKey', 'key sk-secret is invalid');
    expect(error.message).toMatch(/the API key was rejected \(InvalidApiKey\); check DASHSCOPE_API_KEY/);
    expect(error.message).not.toContain('sk-secret');
  });
});

describe('classifyUpgradeResponse', () => {
  const body = (code: string, message: string) => JSON.stringify({ code, message, request_id: 'r-1' });

  it.each([
    [401, 'fatal'],
    [403, 'fatal'],
    [404, 'fatal'],
    [400, 'fatal'],
    [408, 'retryable'],
    [429, 'rate-limited'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
  ])('HTTP %i → %s', (status, kind) => {
    const error = classifyUpgradeResponse(status, {}, '');
    expect(error.kind).toBe(kind);
    expect(error.httpStatus).toBe(status);
  });

  it('a 401 names the variable and the code, never the body', () => {
    const error = classifyUpgradeResponse(401, {}, body('InvalidApiKey', 'Invalid API-key provided: sk-leak'));
    expect(error.message).toBe('cosyvoice: the API key was rejected (HTTP 401 InvalidApiKey); check DASHSCOPE_API_KEY');
    expect(error.providerCode).toBe('InvalidApiKey');
  });

  it('a 429 keeps Retry-After', () => {
    const error = classifyUpgradeResponse(429, { 'retry-after': '7' }, body('Throttling', 'slow down'));
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 7000, providerCode: 'Throttling' });
    expect(error.message).toContain('(Throttling: "slow down")');
  });

  it('a 404 points at DASHSCOPE_WS_URL', () => {
    expect(classifyUpgradeResponse(404, {}, 'not here').message).toMatch(/check DASHSCOPE_WS_URL.*"not here"/);
  });
});

describe('classifyConnectError', () => {
  it('is retryable, keeps the code, and keeps nothing of the original error but its message', () => {
    const original = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
      request: { headers: { authorization: 'bearer sk-must-not-leak' } },
    });
    const error = classifyConnectError(original, { taskId: 't-1' });
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'ECONNREFUSED', traceId: 't-1' });
    expect(error.cause).not.toBe(original);
    expect(inspect(error, { depth: 8 })).not.toContain('sk-must-not-leak');
    expect((error.cause as Error).message).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('names a handshake that timed out', () => {
    expect(classifyConnectError(new Error('Opening handshake has timed out')).providerCode).toBe('CONNECT_TIMEOUT');
  });
});

/**
 * Which refusals are the worker's key (the guard pauses the worker and hands the job back) and
 * which are the request's (the job fails): docs/providers/cosyvoice.md says a bad key fails the
 * WebSocket upgrade with 401/403 and names InvalidApiKey; AccessDenied(.Unpurchased) in a
 * task-failed event is about the model or voice asked for, so pausing workers on it would stall the
 * job forever.
 */
describe('CosyVoice credential failures', () => {
  it.each([
    ['InvalidApiKey', true],
    ['AccessDenied', false],
    ['AccessDenied.Unpurchased', false],
    ['Arrearage', false],
    ['InvalidParameter', false],
    ['DataInspectionFailed', false],
    ['Throttling.RateQuota', false],
    ['InternalError', false],
  ])('task-failed %s: credentials %s', (code, credentials) => {
    const error = classifyTaskFailure(code, 'the message');
    expect(error.credentials).toBe(credentials);
    if (!credentials && error.kind === 'fatal')
      expect(error.message, 'a job failure names the code and says why').toContain(`task-failed ${code}`);
  });

  it('AccessDenied.Unpurchased fails the job for good, naming the model or voice problem', () => {
    const error = classifyTaskFailure('AccessDenied.Unpurchased', 'Access denied, model not purchased.');
    expect(error).toMatchObject({ kind: 'fatal', credentials: false, retryable: false });
    expect(error.message).toBe(
      'cosyvoice: access denied: the account cannot use this model or voice (task-failed AccessDenied.Unpurchased: "Access denied, model not purchased.")',
    );
  });

  it.each([
    [401, true],
    [403, true],
    [400, false],
    [404, false],
    [429, false],
    [500, false],
  ])('upgrade refused with HTTP %i: credentials %s', (status, credentials) => {
    expect(classifyUpgradeResponse(status, {}, '').credentials).toBe(credentials);
  });
});
