import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.ts';

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Where the append-only file lives; it outlives restarts. */
  readonly dir: string;
  /** SHUTDOWN (the AOF is fsynced on every write, so nothing acknowledged is lost), then wait for the exit. */
  shutdown(): Promise<void>;
  /** Starts redis-server again on the same port and directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Shuts down (if running) and removes the directory. */
  close(): Promise<void>;
}

/**
 * A redis-server of the test's own, with AOF on and fsync on every write, the way production
 * should run it, so a test can restart it mid-render without touching the shared Redis.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ttsb-chaos-redis-'));
  let child: ChildProcess | undefined;
  let log = '';

  const start = async (): Promise<void> => {
    const started = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        log += chunk.toString();
        if (log.includes('Ready to accept connections')) resolve();
      };
      started.stdout?.on('data', onData);
      started.stderr?.on('data', onData);
      started.once('exit', (code) =>
        reject(new Error(`redis-server on port ${port} exited (${code}) before it was ready:\n${log.slice(-2000)}`)),
      );
      started.once('error', reject);
    });
    await ready;
  };

  const shutdown = async (): Promise<void> => {
    const running = child;
    if (running === undefined || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      // The server closes the connection instead of answering: that "error" is the success.
      await client.call('SHUTDOWN').catch(() => undefined);
    } finally {
      client.disconnect();
    }
    await exited;
    child = undefined;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    shutdown,
    start,
    async close() {
      await shutdown().catch(() => child?.kill('SIGKILL'));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
