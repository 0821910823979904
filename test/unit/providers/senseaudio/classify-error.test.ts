import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/errors/provider-error.ts';
import {
  SENSEAUDIO_ERROR_CODES,
  classifyBusinessError,
  classifyHttpResponse,
  classifyNetworkError,
  findBusinessError,
} from '../../../../src/providers/senseaudio/classify-error.ts';

const KEY = 'sk-live-0123456789abcdef';

describe('SENSEAUDIO_ERROR_CODES', () => {
  it.each([
    [1000, 'retryable'],
    [1001, 'retryable'],
    [1024, 'retryable'],
    [1033, 'retryable'],
    [1002, 'rate-limited'],
    [1041, 'rate-limited'],
    [2045, 'rate-limited'],
    [2056, 'rate-limited'],
    [1004, 'fatal'],
    [2049, 'fatal'],
    [1008, 'fatal'],
    [1026, 'fatal'],
    [1027, 'fatal'],
    [1042, 'fatal'],
    [2013, 'fatal'],
    [20132, 'fatal'],
    [2042, 'fatal'],
  ] as const)('code %i is %s, both in the table and when classified', (code, kind) => {
    expect(SENSEAUDIO_ERROR_CODES[code]?.kind).toBe(kind);
    const error = classifyBusinessError({ code, message: 'from server', traceId: 't-1' });
    expect(error.kind).toBe(kind);
    expect(error.providerCode).toBe(code);
    expect(error.traceId).toBe('t-1');
    expect(error.message).toContain('trace_id t-1');
  });

  it('counts an unknown code as retryable and says which code it was', () => {
    const error = classifyBusinessError({ code: 9999, message: 'something new' });
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(/unknown error code 9999: "something new"/);
  });

  it('quotes status_msg for fatal business errors so the user sees the problem', () => {
    expect(classifyBusinessError({ code: 1008, message: 'insufficient balance' }).message).toBe(
      'senseaudio: insufficient account balance (code 1008: "insufficient balance")',
    );
    expect(classifyBusinessError({ code: 2013, message: 'invalid params, voice_setting.pitch must be in [-12, 12]' }).message).toContain(
      'voice_setting.pitch must be in [-12, 12]',
    );
  });

  it('never quotes the server on a rejected key, and redacts the key from any other message', () => {
    const auth = classifyBusinessError({ code: 2049, message: `invalid api key ${KEY}` });
    expect(auth.message).toMatch(/the API key was rejected \(code 2049\)/);
    expect(auth.message).not.toContain(KEY);
    const other = classifyBusinessError({ code: 1000, message: `echo ${KEY}` }, { redact: (text) => text.replaceAll(KEY, '[redacted]') });
    expect(other.message).toContain('[redacted]');
    expect(other.message).not.toContain(KEY);
  });
});

describe('findBusinessError', () => {
  it('finds base_resp and {code, message} error bodies, not success', () => {
    expect(findBusinessError({ base_resp: { status_code: 0, status_msg: 'success' }, data: {} })).toBeUndefined();
    expect(findBusinessError({ data: { audio: 'ab', status: 1 } })).toBeUndefined();
    expect(findBusinessError({ base_resp: { status_code: 1002, status_msg: 'rate limit' }, trace_id: 'abc' })).toEqual({
      code: 1002,
      message: 'rate limit',
      traceId: 'abc',
    });
    expect(findBusinessError({ code: 401, message: 'Unauthorized' })).toEqual({ code: 401, message: 'Unauthorized' });
    expect(findBusinessError({ base_resp: { status_code: '1026', status_msg: 'sensitive' } })?.code).toBe(1026);
  });
});

describe('classifyHttpResponse', () => {
  it('HTTP 401/403 are fatal and say the key was rejected, without the key or the server text', () => {
    for (const status of [401, 403]) {
      const error = classifyHttpResponse(status, {}, JSON.stringify({ code: status, message: `bad key ${KEY}` }));
      expect(error.kind).toBe('fatal');
      expect(error.httpStatus).toBe(status);
      expect(error.message).toMatch(/API key was rejected/);
      expect(JSON.stringify(error)).not.toContain(KEY);
      expect(inspect(error)).not.toContain(KEY);
    }
  });

  it('HTTP 429 is rate-limited, with Retry-After in seconds or as a date', () => {
    expect(classifyHttpResponse(429, { 'retry-after': '12' }, '').retryAfterMs).toBe(12_000);
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    const fromDate = classifyHttpResponse(429, { 'retry-after': inTwoMinutes }, '').retryAfterMs ?? 0;
    expect(fromDate).toBeGreaterThan(110_000);
    expect(fromDate).toBeLessThanOrEqual(120_000);
    const bare = classifyHttpResponse(429, {}, '{"base_resp":{"status_code":1002,"status_msg":"slow down"}}');
    expect(bare.kind).toBe('rate-limited');
    expect(bare.retryAfterMs).toBeUndefined();
    expect(bare.message).toContain('slow down');
  });

  it('5xx is retryable whatever the body (JSON, HTML, nothing)', () => {
    for (const [status, body] of [
      [500, '{"base_resp":{"status_code":1000,"status_msg":"internal"}}'],
      [502, '<html>Bad Gateway</html>'],
      [503, ''],
      [504, 'Gateway Time-out'],
    ] as const) {
      const error = classifyHttpResponse(status, {}, body);
      expect(error.kind, `HTTP ${status}`).toBe('retryable');
      expect(error.httpStatus).toBe(status);
    }
  });

  it('a business code in a non-2xx body decides the kind; trace_id comes from body or header', () => {
    const error = classifyHttpResponse(
      400,
      {},
      '{"trace_id":"tr-9","base_resp":{"status_code":2013,"status_msg":"invalid params, speed"}}',
    );
    expect(error.kind).toBe('fatal');
    expect(error.providerCode).toBe(2013);
    expect(error.traceId).toBe('tr-9');
    expect(classifyHttpResponse(500, { 'trace-id': 'hdr-1' }, '').traceId).toBe('hdr-1');
  });

  it('other 4xx without a code are fatal (the same request fails again); 408 is retryable', () => {
    expect(classifyHttpResponse(404, {}, 'not found').kind).toBe('fatal');
    expect(classifyHttpResponse(408, {}, '').kind).toBe('retryable');
  });
});

describe('classifyNetworkError', () => {
  it('wire failures are retryable and keep their code, also when wrapped in a cause', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(classifyNetworkError(reset)).toMatchObject({ kind: 'retryable', providerCode: 'ECONNRESET' });
    const wrapped = new Error('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(classifyNetworkError(wrapped).providerCode).toBe('UND_ERR_SOCKET');
    expect(classifyNetworkError(new Error('weird')).kind).toBe('retryable');
  });

  it('passes a ProviderError through unchanged', () => {
    const original = new ProviderError('x', { provider: 'senseaudio', kind: 'fatal' });
    expect(classifyNetworkError(original)).toBe(original);
  });
});

/**
 * Which refusals are the worker's key (the guard pauses the worker) and which are the
 * request's (the job fails): 2042 "no access to the voice" is about the voice asked for.
 */
describe('SenseAudio credential failures', () => {
  it.each([
    [1004, true],
    [2049, true],
    [401, true],
    [403, true],
    [2042, false],
    [20132, false],
    [2013, false],
    [1008, false],
    [1002, false],
    [1000, false],
  ])('business code %i: credentials %s', (code, credentials) => {
    expect(classifyBusinessError({ code, message: 'm' }).credentials).toBe(credentials);
  });

  it('2042 fails the job for good', () => {
    expect(classifyBusinessError({ code: 2042, message: 'voice not accessible' })).toMatchObject({
      kind: 'fatal',
      credentials: false,
      retryable: false,
    });
  });

  it.each([
    [401, true],
    [403, true],
    [400, false],
    [404, false],
    [429, false],
    [500, false],
  ])('HTTP %i: credentials %s', (status, credentials) => {
    expect(classifyHttpResponse(status, {}, '').credentials).toBe(credentials);
  });

  it('HTTP 400 carrying 2042 is the request, not the key', () => {
    expect(classifyHttpResponse(400, {}, JSON.stringify({ base_resp: { status_code: 2042, status_msg: 'no access' } })).credentials).toBe(
      false,
    );
  });
});
