import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { CLI, REPO_ROOT, runCli } from '../support/run-cli.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, readEventStream } from './api-harness.ts';

/** `tts-batch api` as a real process: it refuses to run open, serves, and stops cleanly on SIGTERM. */
describe('tts-batch api', () => {
  let config: AppConfig;
  let env: Record<string, string>;

  beforeAll(() => {
    config = testConfig();
    env = { REDIS_URL: config.REDIS_URL, QUEUE_PREFIX: config.QUEUE_PREFIX, API_HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' };
  });

  afterAll(async () => {
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  });

  it('refuses to start without API_TOKENS, and says how to set one', async () => {
    const result = await runCli(['api'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tts-batch: no API token is configured.*set API_TOKENS/m);
  });

  it('exits non-zero with one line when its port is taken (and does not linger)', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    const child = spawn(process.execPath, [CLI, 'api'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...env,
        LOG_LEVEL: 'silent',
        PORT: String(port),
        API_TOKENS: API_TOKEN,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = once(child, 'exit');
    // 40 s: starting the API (loading its TypeScript, connecting Redis) took over 15 s on two cores
    // busy with the rest of the suite, twice this session; a process that lingers never exits at all.
    const deadline = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 40_000).unref());
    try {
      const outcome = await Promise.race([exited, deadline]);
      expect(outcome, `tts-batch api should exit when it cannot listen:\n${stderr}`).not.toBe('still running');
      const [code] = outcome as [number | null];
      expect(code).toBe(1);
      expect(stderr).toBe(`tts-batch: cannot listen on 127.0.0.1:${port}: the address is in use (EADDRINUSE); set PORT or API_HOST\n`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('serves until SIGTERM, ends open event streams, and exits 0', async () => {
    const child = spawn(process.execPath, [CLI, 'api'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, API_TOKENS: API_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = once(child, 'exit');
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening:\n${stderr}`)));
    });
    try {
      const auth = { authorization: `Bearer ${API_TOKEN}` };
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const posted = await fetch(`${url}/v1/renders`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Waiting for a worker that never comes.', provider: 'senseaudio' }),
      });
      expect(posted.status).toBe(202);
      const { id } = (await posted.json()) as { id: string };
      const stream = await fetch(`${url}/v1/renders/${id}/events`, { headers: auth });
      expect(stream.status).toBe(200);
      const following = readEventStream(stream, {
        onEvent: (event) => {
          if (event.event === 'snapshot') child.kill('SIGTERM');
        },
      });
      const { events } = await following;
      expect(
        events.map((e) => e.event),
        'the stream ended with the server',
      ).toEqual(['snapshot']);
      const [code] = (await exited) as [number | null];
      expect(code, stderr).toBe(0);
      expect(stderr).toContain('"shutting down: finishing requests in flight"');
      expect(stderr).not.toContain(API_TOKEN);
      expect(stdout, 'logs go to stderr').toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
