import { describe, expect, it } from 'vitest';
import {
  classifyBodyError,
  classifyHttpResponse,
  errorMessageOf,
  findBodyError,
  makeRedactor,
  type ClassifyContext,
} from '../../../../src/providers/sensenova/classify-error.ts';

const SECRET = 'sk-redact-me-9f1b';
const context: ClassifyContext = { redact: makeRedactor(() => [SECRET]), authHint: 'check SENSENOVA_API_KEY' };

describe('errorMessageOf (lenient: error.message, then message, then the raw text)', () => {
  it.each([
    ['{"error":{"code":3,"message":"invalid voice","details":[]}}', 'invalid voice'],
    ['{"error":"quota exceeded"}', 'quota exceeded'],
    ['{"code":400,"message":"bad input"}', 'bad input'],
    ['{"msg":"busy"}', 'busy'],
    ['service unavailable', 'service unavailable'],
    ['{"error":{"code":3}}', '{"error":{"code":3}}'],
  ])('%s → %s', (body, message) => {
    expect(errorMessageOf(body)).toBe(message);
  });
});

describe('classifyHttpResponse', () => {
  it.each([
    [400, 'fatal'],
    [401, 'fatal'],
    [403, 'fatal'],
    [404, 'fatal'],
    [408, 'retryable'],
    [422, 'fatal'],
    [429, 'rate-limited'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
  ] as const)('HTTP %i → %s', (status, kind) => {
    const error = classifyHttpResponse(status, {}, '{"error":{"message":"x"}}', context);
    expect(error.kind).toBe(kind);
    expect(error.httpStatus).toBe(status);
  });

  it('quotes the server message and keeps Retry-After and the request id', () => {
    const error = classifyHttpResponse(
      429,
      { 'retry-after': '3', 'x-request-id': 'req-1' },
      '{"error":{"code":8,"message":"slow down"}}',
      context,
    );
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 3000, traceId: 'req-1' });
    expect(error.message).toBe('sensenova: rate limited (HTTP 429: "slow down") [trace_id req-1]');
  });

  it('names what to check when the credentials are refused, without quoting any secret', () => {
    const body = `{"error":{"message":"token expired: Bearer ${SECRET} eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhIn0.c2lnbmF0dXJlLXNpZw"}}`;
    const error = classifyHttpResponse(401, {}, body, context);
    expect(error.kind).toBe('fatal');
    expect(error.message).toMatch(
      /the credentials were refused \(HTTP 401: "token expired: Bearer \[redacted\] \[redacted token\]"\); check SENSENOVA_API_KEY/,
    );
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('eyJ');
  });

  it('hints at the base URL on a 404', () => {
    expect(classifyHttpResponse(404, {}, 'no route', context).message).toMatch(/HTTP 404 \(check SENSENOVA_BASE_URL\): "no route"/);
  });
});

describe('findBodyError and classifyBodyError (an error inside HTTP 200)', () => {
  it('finds error objects, error strings and non-zero codes without data', () => {
    expect(findBodyError({ error: { code: 13, message: 'internal' } })).toEqual({ code: 13, message: 'internal' });
    expect(findBodyError({ error: 'boom' })).toEqual({ message: 'boom' });
    expect(findBodyError({ code: 500, message: 'down' })).toEqual({ code: 500, message: 'down' });
    expect(findBodyError({ code: 0, data: { audio: '', status: 2 } })).toBeUndefined();
    expect(findBodyError({ data: { audio: 'ab', status: 1 }, trace_id: 't' })).toBeUndefined();
  });

  it('reads an HTTP-like code as that status and anything else as retryable', () => {
    expect(classifyBodyError({ code: 429, message: 'x' }, { ...context, httpStatus: 200 }).kind).toBe('rate-limited');
    expect(classifyBodyError({ code: 400, message: 'x' }, { ...context, httpStatus: 200 }).kind).toBe('fatal');
    const unknown = classifyBodyError({ code: 13, message: 'internal' }, { ...context, httpStatus: 200, traceId: 't-9' });
    expect(unknown).toMatchObject({ kind: 'retryable', providerCode: 13, httpStatus: 200, traceId: 't-9' });
    expect(unknown.message).toBe('sensenova: error in an HTTP 200 answer (code 13: "internal") [trace_id t-9]');
  });
});

/** Which refusals are the worker's credentials (the guard pauses the worker) and which the request's. */
describe('SenseNova credential failures', () => {
  it.each([
    [401, true],
    [403, true],
    [400, false],
    [404, false],
    [429, false],
    [503, false],
  ])('HTTP %i: credentials %s', (status, credentials) => {
    expect(classifyHttpResponse(status, {}, '', context).credentials).toBe(credentials);
  });

  it.each([
    [401, true],
    [403, true],
    [400, false],
    ['voice_not_found', false],
    [1, false],
  ])('error code %s in a 200 answer: credentials %s', (code, credentials) => {
    expect(classifyBodyError({ code, message: 'm' }, { ...context, httpStatus: 200 }).credentials).toBe(credentials);
  });
});
