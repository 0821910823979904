import { describe, expect, it } from 'vitest';
import { classifyBusinessError, classifyHttpError, type ClassifyContext } from '../../../../src/providers/ai302/classify-error.ts';

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
