import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ai302Client } from '../../src/providers/ai302/client.ts';
import { ai302Limits } from '../../src/providers/ai302/limits.ts';
import { startAi302Simulator, type Ai302Simulator } from '../simulators/ai302/server.ts';
import { pollUntil } from '../support/poll-until.ts';

const KEY = 'ai302-fixture-key-1b9d';
const FIXTURES = new URL('../fixtures/providers/ai302/', import.meta.url);
const BODY = { is_multi_speaker: false, input_text: 'The sun rises in the east and sets in the west.' };

async function fixture(name: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(name, FIXTURES), 'utf8')) as unknown;
}

/** Keys and JSON types, recursively: what "the same shape" means for a synthetic recorded answer. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value === null) return 'null';
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, inner]) => [key, shapeOf(inner)]),
    );
  }
  return typeof value;
}

/**
 * Issue 10 item 11 for 302.AI. The recorded answers in test/fixtures/providers/ai302/ are synthetic
 * (no real one is public: see the README there). The simulator must answer in their shape, and the
 * client must read them, so the two cannot drift apart from the one description of the wire.
 */
describe('302.AI recorded answers (synthetic fixtures)', () => {
  let simulator: Ai302Simulator;
  beforeAll(async () => {
    simulator = await startAi302Simulator({ apiKey: KEY, msPerChar: 2, stageMs: 20 });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  async function call(method: 'GET' | 'POST', path: string, body?: object): Promise<unknown> {
    const response = await request(`${simulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.statusCode).toBe(200);
    return response.body.json();
  }

  async function settled(taskId: string): Promise<Record<string, unknown>> {
    return pollUntil(
      `task ${taskId} settled`,
      async () => (await call('GET', `${simulator.generateQueryPath}?task_id=${taskId}`)) as Record<string, unknown>,
      (answer) => answer.status === 'success' || answer.status === 'failed',
      10_000,
      20,
    );
  }

  it('the simulator answers a create, a finished task and a failed task in the fixtures’ shape', async () => {
    const created = (await call('POST', simulator.generatePath, BODY)) as { task_id: string };
    expect(shapeOf(created)).toEqual(shapeOf(await fixture('create-answer.json')));
    expect(shapeOf(await settled(created.task_id))).toEqual(shapeOf(await fixture('query-success.json')));

    simulator.setFaults([{ kind: 'taskFails', message: 'generation failed' }]);
    const doomed = (await call('POST', simulator.generatePath, BODY)) as { task_id: string };
    expect(shapeOf(await settled(doomed.task_id))).toEqual(shapeOf(await fixture('query-failed.json')));
  });

  describe('the client reads the fixtures as served bytes', () => {
    let stub: Server;
    let client: Ai302Client;
    /** What the stub answers to the next query. */
    let queryAnswer = '';

    beforeAll(async () => {
      const create = await readFile(new URL('create-answer.json', FIXTURES), 'utf8');
      stub = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(req.method === 'POST' ? create : queryAnswer);
      });
      await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
      client = new Ai302Client({
        apiKey: KEY,
        baseUrl: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`,
        clonePath: '/clone',
        generatePath: '/generate',
        generateQueryPath: '/generate/task',
        limits: ai302Limits(2000),
        polling: { firstPollMs: 20, maxIntervalMs: 60, deadlineMs: 5000 },
      });
    });
    afterAll(async () => {
      await client?.close();
      await new Promise<void>((resolve) => stub?.close(() => resolve()));
    });

    const request302 = {
      text: BODY.input_text,
      voice: 'default',
      model: 'higgs-audio-v2',
      audio: { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 },
      voiceSettings: {},
    } as const;

    it('create: the task id', async () => {
      expect(await client.submit({ ...request302, voiceSettings: {} })).toEqual({
        taskId: 'generate:3f0c6a52-8b1e-4d7a-9c2f-5e4b1a7d9c10',
      });
    });

    it('query, finished: the link and the billed characters', async () => {
      queryAnswer = await readFile(new URL('query-success.json', FIXTURES), 'utf8');
      expect(await client.poll('generate:3f0c6a52-8b1e-4d7a-9c2f-5e4b1a7d9c10')).toEqual({
        state: 'succeeded',
        audioUrl: 'https://file.302ai.cn/gpt/imgs/20261128/3f0c6a528b1e4d7a9c2f5e4b1a7d9c10.wav',
        billedCharacters: 95,
      });
    });

    it('query, failed: a provider-side failure a new task may cure', async () => {
      queryAnswer = await readFile(new URL('query-failed.json', FIXTURES), 'utf8');
      expect(await client.poll('generate:3f0c6a52-8b1e-4d7a-9c2f-5e4b1a7d9c10')).toEqual({
        state: 'failed',
        reason: 'failed: generation failed',
        retryable: true,
      });
    });
  });
});
