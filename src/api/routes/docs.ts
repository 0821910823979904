import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import packageJson from '../../../package.json' with { type: 'json' };

const DESCRIPTION = [
  'Durable batch text-to-speech: POST a text, follow the render, download one finished audio file.',
  'Every /v1 route needs `Authorization: Bearer <token>` (a token from API_TOKENS).',
  'Errors are `{"error": {"code", "message", "field"?, "issues"?}}`.',
].join(' ');

/**
 * The OpenAPI document, generated from the routes' zod schemas (at /docs/openapi.json), and a
 * browsable page at /docs. Registered before the routes, so it sees each of them. Call once per
 * server: the document object is built fresh here because @fastify/swagger fills it in place.
 */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'tts-batch API', description: DESCRIPTION, version: packageJson.version },
      tags: [
        { name: 'renders', description: 'start, follow, cancel and download renders' },
        { name: 'providers', description: 'what each provider documents: its voices' },
        { name: 'schedules', description: 'libraries rendered on a timetable: new and changed books only, a report per run' },
        { name: 'health', description: 'liveness and readiness probes' },
        { name: 'operations', description: 'metrics and the queue dashboard' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'one of the tokens in API_TOKENS' },
          basicAuth: { type: 'http', scheme: 'basic', description: 'any user name; an API token as the password' },
        },
      },
      paths: {
        // Served by Bull Board, whose own routes are hidden from this document.
        '/admin/queues': {
          get: {
            summary: 'Bull Board: every provider queue, the stitch queue and the webhooks queue (HTML, read-only)',
            tags: ['operations'],
            security: [{ basicAuth: [] }],
            responses: {
              '200': { description: 'the dashboard page' },
              '401': { description: 'missing or wrong credentials (WWW-Authenticate: Basic)' },
            },
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/docs/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
