import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, startApi, type ApiHarness } from './api-harness.ts';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown; responses?: Record<string, unknown> }>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

/** Every route the API serves, as the OpenAPI document must list it. */
const ROUTES: [string, string][] = [
  ['post', '/v1/renders'],
  ['post', '/v1/estimates'],
  ['get', '/v1/renders'],
  ['get', '/v1/renders/{id}'],
  ['delete', '/v1/renders/{id}'],
  ['get', '/v1/renders/{id}/events'],
  ['get', '/v1/renders/{id}/audio'],
  ['post', '/v1/cache/evict'],
  ['post', '/v1/cache/prune'],
  // HEAD is its own documented operation: it answers from storage.head without reading the audio.
  ['head', '/v1/renders/{id}/audio'],
  ['get', '/v1/voices'],
  ['post', '/v1/schedules'],
  ['get', '/v1/schedules'],
  ['get', '/v1/schedules/{name}'],
  ['delete', '/v1/schedules/{name}'],
  ['post', '/v1/schedules/{name}/runs'],
  ['get', '/v1/schedules/{name}/runs/{runId}'],
  ['get', '/healthz'],
  ['get', '/readyz'],
  ['get', '/metrics'],
  ['get', '/admin/queues'],
];

describe('API documentation', () => {
  let config: AppConfig;
  let api: ApiHarness;
  let document: OpenApiDocument;

  beforeAll(async () => {
    config = testConfig({ API_TOKENS: API_TOKEN });
    api = await startApi(config);
    const response = await api.request('/docs/openapi.json', { token: null });
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiDocument;
  });

  afterAll(async () => {
    await api?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  });

  it('serves a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    const result = await new Validator().validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors ?? [], 'schema errors').toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every route and nothing else', () => {
    const listed = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => [method, path]));
    expect(listed.sort()).toEqual([...ROUTES].sort());
  });

  it('says which routes need the Bearer token, and documents the request body and error answers', () => {
    for (const [method, path] of ROUTES.filter(([, path]) => path.startsWith('/v1/'))) {
      const operation = document.paths[path]?.[method];
      expect(operation?.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(operation?.responses ?? {}), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '401', '503']));
    }
    expect(document.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const create = document.paths['/v1/renders']?.post;
    const body = JSON.stringify(create?.requestBody);
    for (const field of ['text', 'provider', 'voice', 'speed', 'webhook', 'output', 'title']) expect(body, field).toContain(`"${field}"`);
    expect(JSON.stringify(create), 'the Idempotency-Key header').toContain('"idempotency-key"');
    expect(Object.keys(create?.responses ?? {})).toEqual(expect.arrayContaining(['200', '202', '409', '413']));
    expect(document.paths['/healthz']?.get?.security).toBeUndefined();
  });

  it('serves a browsable page at /docs', async () => {
    const response = await api.request('/docs', { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/swagger-ui/i);
  });
});
