import { describe, expect, it } from 'vitest';
import {
  classifyBusinessError,
  classifyHttpError,
  classifyNetworkError,
  type ClassifyContext,
} from '../../../../src/providers/ai302/classify-error.ts';

const context: ClassifyContext = { call: 'create', redact: (text) => text };

/** Which refusals are the worker's key (the guard pauses the worker) and which the request's. */
describe('302.AI credential failures', () => {
  it.each([
    [401, true],
    [403, true],
    [400, false],
    [404, false],
    [422, false],
    [429, false],
    [500, false],
  ])('HTTP %i: credentials %s', (status, credentials) => {
    expect(classifyHttpError(status, {}, '{"error":{"message":"m"}}', context).credentials).toBe(credentials);
  });

  it.each([
    [401, true],
    ['403', true],
    [400, false],
    [500, false],
    [-10001, false],
    ['quota_exceeded', false],
  ])('business code %s in a 200 answer: credentials %s', (code, credentials) => {
    expect(classifyBusinessError({ code, message: 'm' }, context).credentials).toBe(credentials);
  });

  it('says which key to check, quoting nothing the server said', () => {
    const error = classifyHttpError(401, {}, '{"error":{"message":"key sk-secret is invalid"}}', context);
    expect(error.message).toBe('ai302: the API key was rejected (HTTP 401) creating the task; check AI302_API_KEY');
  });
});

/** Issue 10 item 1: which answers say the query route is wrong, and which creates may have made a task. */
describe('302.AI route errors and lost creates', () => {
  const query: ClassifyContext = { call: 'query', redact: (text) => text, pathVariable: 'AI302_GENERATE_QUERY_PATH' };

  it.each([404, 405])('HTTP %i on a query is a route error naming the query path variable', (status) => {
    const error = classifyHttpError(status, {}, '404 page not found', query);
    expect(error).toMatchObject({ route: true, credentials: false, kind: 'fatal', httpStatus: status });
    expect(error.message).toContain('check AI302_GENERATE_QUERY_PATH and AI302_BASE_URL');
  });

  it('HTTP 404 on a create stays a fatal refusal, not a route error: no task was made', () => {
    expect(classifyHttpError(404, {}, '', context)).toMatchObject({ route: false, kind: 'fatal', outcomeUnknown: false });
  });

  it.each([
    [504, true],
    [502, false],
    [500, false],
    [429, false],
  ])('HTTP %i on a create: outcome unknown %s', (status, outcomeUnknown) => {
    expect(classifyHttpError(status, {}, '', context).outcomeUnknown).toBe(outcomeUnknown);
  });

  it.each([
    ['ECONNRESET', true],
    ['UND_ERR_HEADERS_TIMEOUT', true],
    ['UND_ERR_SOCKET', true],
    ['ECONNREFUSED', false],
    ['ENOTFOUND', false],
    ['UND_ERR_CONNECT_TIMEOUT', false],
  ])('%s on a create: outcome unknown %s (never on a query)', (code, outcomeUnknown) => {
    const failure = Object.assign(new Error('wire'), { code });
    expect(classifyNetworkError(failure, context).outcomeUnknown).toBe(outcomeUnknown);
    expect(classifyNetworkError(failure, query).outcomeUnknown).toBe(false);
  });
});
