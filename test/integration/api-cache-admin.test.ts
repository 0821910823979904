import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheReport } from '../../src/cache/cache-report.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { bodyOf } from '../support/storage-contract.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';

/** Issue #8 item 7: POST /v1/cache/evict and /v1/cache/prune, for admin tokens (API_ADMIN_TOKENS) only. */
const ADMIN_TOKEN = 'admin-test-token-8c2e4f7a1b';
let folder: string;
let config: AppConfig;
let api: ApiHarness;
let storage: LocalStorage;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'tts-batch-api-cache-'));
  config = testConfig({ API_TOKENS: API_TOKEN, API_ADMIN_TOKENS: ADMIN_TOKEN, API_DEFAULT_OUTPUT: folder, API_OUTPUT_ROOT: folder });
  api = await startApi(config);
  storage = new LocalStorage(folder);
});
afterAll(async () => {
  await api?.close();
  await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  await rm(folder, { recursive: true, force: true });
});

async function oldSegment(label: string, bytes: number): Promise<string> {
  const hash = createHash('sha256').update(label).digest('hex');
  const key = `.segments/espeak/${hash.slice(0, 2)}/${hash}.mp3`;
  await storage.put(key, bodyOf(randomBytes(bytes)));
  const when = new Date(Date.now() - 10 * 24 * 3600 * 1000);
  await utimes(path.join(folder, ...key.split('/')), when, when);
  return key;
}

const admin = (route: string, body: unknown) => postJson(api, route, body, { authorization: `Bearer ${ADMIN_TOKEN}` });

describe('cache admin API', () => {
  it('refuses an ordinary API token with 403 and no token with 401', async () => {
    const forbidden = await postJson(api, '/v1/cache/prune', { unusedDays: 1 });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as ApiErrorBody).error.code).toBe('FORBIDDEN');
    expect((await api.request('/v1/cache/prune', { method: 'POST', token: null })).status).toBe(401);
    expect((await postJson(api, '/v1/cache/prune', { unusedDays: 1 }, { authorization: 'Bearer not-a-known-token-at-all' })).status).toBe(
      401,
    );
  });

  it('prunes (dry run first) and evicts with an admin token', async () => {
    const a = await oldSegment('a', 1200);
    const b = await oldSegment('b', 800);
    const dry = await admin('/v1/cache/prune', { unusedDays: 5, dryRun: true });
    expect(dry.status).toBe(200);
    expect((await dry.json()) as CacheReport).toMatchObject({ dryRun: true, deletedObjects: 2, deletedBytes: 2000 });
    expect(await storage.head(a)).not.toBeNull();

    const evict = await admin('/v1/cache/evict', { key: a });
    expect((await evict.json()) as CacheReport).toMatchObject({ deletedObjects: 1, deletedBytes: 1200, deleted: [a] });
    const prune = await admin('/v1/cache/prune', { unusedDays: 5 });
    expect((await prune.json()) as CacheReport).toMatchObject({ dryRun: false, deletedObjects: 1, deletedBytes: 800, deleted: [b] });
    expect(await storage.head(b)).toBeNull();
  });

  it('answers bad input with 400 naming the field', async () => {
    for (const [route, body, field] of [
      ['/v1/cache/prune', { unusedDays: 0 }, 'unusedDays'],
      ['/v1/cache/evict', {}, 'render'],
      ['/v1/cache/evict', { key: 'r1/audio.mp3' }, 'key'],
      ['/v1/cache/prune', { unusedDays: 1, output: '/somewhere/else' }, 'output'],
    ] as const) {
      const response = await admin(route, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await response.json()), JSON.stringify(body)).toContain(field);
    }
  });
});
