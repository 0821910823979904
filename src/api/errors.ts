import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InputError } from '../errors/input-error.ts';
import { NotFoundError } from '../errors/not-found-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { StorageError } from '../storage/storage-error.ts';
import { StoragePreflightError } from '../storage/storage-preflight-error.ts';
import { HttpError } from './http-error.ts';
import { isRedisUnavailable } from './redis-unavailable.ts';

/** One broken rule: which field, which rule (zod's issue code, or the rule in words), and why. */
export const fieldIssueSchema = z.object({ field: z.string(), rule: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** The body of every error answer. */
export const errorBodySchema = z
  .object({
    error: z.looseObject({
      code: z.string().describe('stable, machine-readable'),
      message: z.string(),
      field: z.string().optional().describe('the first bad field (400)'),
      issues: z.array(fieldIssueSchema).optional().describe('every bad field and the rule it broke (400)'),
    }),
  })
  .describe('every error answer');
export type ErrorBody = z.infer<typeof errorBodySchema>;

interface Answer {
  status: number;
  body: ErrorBody;
  headers?: Readonly<Record<string, string>>;
}

export interface ErrorHandlingOptions {
  bodyLimit: number;
  /** The API's Redis connection status ('ready' when up). */
  redisStatus: () => string;
}

/** Maps every failure to one JSON shape and status; 5xx are logged, the rest are the caller's. */
export function registerErrorHandling(app: FastifyInstance, options: ErrorHandlingOptions): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const answer = toAnswer(error, options);
    if (answer.status >= 500 && answer.status !== 503) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: answer.status, code: answer.body.error.code }, 'request refused');
    void reply
      .code(answer.status)
      .headers(answer.headers ?? {})
      .send(answer.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    void reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${path}` } } satisfies ErrorBody);
  });
}

function toAnswer(error: unknown, options: ErrorHandlingOptions): Answer {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'body';
    const issues = error.validation.flatMap((issue): FieldIssue[] => {
      const path = issue.instancePath.split('/').filter(Boolean).join('.');
      const keys = (issue.params as { keys?: unknown }).keys;
      if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
        return keys.map((key) => ({
          field: path ? `${path}.${String(key)}` : String(key),
          rule: 'unknown_field',
          message: 'is not a field of this request',
        }));
      }
      return [{ field: path || where, rule: issue.keyword, message: issue.message ?? 'invalid' }];
    });
    return invalid(issues);
  }
  if (error instanceof InputError) {
    const rule = error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
    return invalid([{ field: error.field, rule, message: rule }]);
  }
  if (error instanceof HttpError) {
    return {
      status: error.statusCode,
      headers: error.headers,
      body: { error: { code: error.code, message: error.message, ...error.details } },
    };
  }
  if (error instanceof NotFoundError) return plain(404, 'NOT_FOUND', error.message);
  if (error instanceof StoragePreflightError) {
    // The caller named an output these settings cannot write: theirs (or the operator's) to fix.
    return {
      status: 422,
      body: { error: { code: 'OUTPUT_NOT_WRITABLE', message: error.message, field: 'output', retryable: error.retryable } },
    };
  }
  if (error instanceof StorageError) {
    return error.retryable
      ? plain(503, 'STORAGE_UNAVAILABLE', error.message, { 'retry-after': '5' })
      : plain(502, 'STORAGE_FAILED', error.message);
  }
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return plain(413, 'BODY_TOO_LARGE', `the request body is over the limit of ${options.bodyLimit} bytes (API_BODY_LIMIT)`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return plain(400, 'MALFORMED_JSON', 'the body is empty but Content-Type says JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return plain(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return plain(400, 'MALFORMED_JSON', `the body is not valid JSON: ${fastifyError.message ?? ''}`);
    default:
      break;
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return plain(400, 'MALFORMED_JSON', `the body is not valid JSON: ${error.message}`);
  }
  if (typeof error === 'object' && error !== null && isResponseSerializationError(error))
    return plain(500, 'INTERNAL', 'internal error (the answer did not match its schema; logged)');
  if (error instanceof TtsBatchError && !isRedisUnavailable(error, 'ready')) return plain(500, error.code, error.message);
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return plain(status, fastifyError.code ?? 'BAD_REQUEST', fastifyError.message ?? 'bad request');
  }
  if (isRedisUnavailable(error, options.redisStatus())) {
    return plain(503, 'REDIS_UNAVAILABLE', 'Redis cannot be reached; try again shortly', { 'retry-after': '5' });
  }
  return plain(500, 'INTERNAL', 'internal error (logged)');
}

function invalid(issues: FieldIssue[]): Answer {
  const first = issues[0];
  return {
    status: 400,
    body: {
      error: {
        code: 'INPUT_INVALID',
        message: issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
        ...(first ? { field: first.field } : {}),
        issues,
      },
    },
  };
}

function plain(status: number, code: string, message: string, headers?: Record<string, string>): Answer {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}
