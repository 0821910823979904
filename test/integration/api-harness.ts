import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApiServer, type ApiServerOptions } from '../../src/api/server.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';

/** The API token the API tests configure (API_TOKENS) and send. */
export const API_TOKEN = 'api-test-token-5d1c0a9e7b3f';

export interface ApiHarness {
  app: FastifyInstance;
  /** http://127.0.0.1:port */
  url: string;
  /** Everything the server logged (JSON lines), for checks that no secret leaks. */
  logs(): string;
  /** fetch against the API; sends the Bearer token unless `token` is null (or another one). */
  request(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the real API on a free port over real HTTP, logging at trace level into memory. */
export async function startApi(config: AppConfig, options: Omit<ApiServerOptions, 'config' | 'logStream'> = {}): Promise<ApiHarness> {
  const lines: string[] = [];
  const app = await buildApiServer({
    config,
    logLevel: 'trace',
    ...options,
    logStream: { write: (line: string) => void lines.push(line) },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    logs: () => lines.join(''),
    request(path, init = {}) {
      const { token = API_TOKEN, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== null && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${url}${path}`, { ...rest, headers });
    },
    close: () => app.close(),
  };
}

export function postJson(api: ApiHarness, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return api.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    issues?: { field: string; rule: string; message: string }[];
    [key: string]: unknown;
  };
}

export interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

export interface SseHandlers {
  /** Runs as each event arrives (to act while the stream is open); reading waits for it. */
  onEvent?: (event: SseEvent) => void | Promise<void>;
  onComment?: (text: string) => void | Promise<void>;
}

/** Reads a server-sent event stream to its end: every event in arrival order, and the comment lines. */
export async function readEventStream(response: Response, handlers: SseHandlers = {}): Promise<{ events: SseEvent[]; comments: string[] }> {
  if (!response.body) throw new Error('the event stream has no body');
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = new Map<string, string>();
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) {
          const text = line.slice(1).trim();
          comments.push(text);
          await handlers.onComment?.(text);
          continue;
        }
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
      }
      const data = fields.get('data');
      if (fields.has('event') && data !== undefined) {
        const event: SseEvent = {
          event: fields.get('event') ?? '',
          data: JSON.parse(data) as unknown,
          ...(fields.has('id') ? { id: fields.get('id') ?? '' } : {}),
        };
        events.push(event);
        await handlers.onEvent?.(event);
      }
    }
  }
  return { events, comments };
}
