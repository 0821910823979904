import type { TestProject } from 'vitest/node';
import { Redis } from 'ioredis';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** Answers whether Redis at `url` replies to PING within a second. */
async function redisAnswers(url: string): Promise<string | null> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    client.disconnect();
  }
}

/** Starts Redis in a container, only where a container runtime answers. */
async function redisFromContainer(): Promise<{ url: string; stop: () => Promise<void> } | string> {
  try {
    const { getContainerRuntimeClient, GenericContainer, Wait } = await import('testcontainers');
    await getContainerRuntimeClient();
    const container = await new GenericContainer('redis:7-alpine')
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start();
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      stop: () => container.stop().then(() => undefined),
    };
  } catch (error) {
    return error instanceof Error ? (error.message.split('\n')[0] ?? 'unknown') : String(error);
  }
}

/**
 * Picks the Redis the tests use: REDIS_URL when set; else a testcontainers Redis where a
 * container runtime answers; else 127.0.0.1:6379. Says which, or why none could be used.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let stop = (): Promise<void> => Promise.resolve();
  let url: string;
  let how: string;
  if (process.env.REDIS_URL) {
    url = process.env.REDIS_URL;
    how = 'REDIS_URL';
  } else {
    const container = await redisFromContainer();
    if (typeof container === 'string') {
      url = 'redis://127.0.0.1:6379';
      how = `127.0.0.1:6379 (no container runtime: ${container})`;
    } else {
      url = container.url;
      stop = container.stop;
      how = 'testcontainers redis:7-alpine';
    }
  }
  const problem = await redisAnswers(url);
  if (problem) {
    throw new Error(`tests need Redis; tried ${how} at ${url}: ${problem}. Start redis-server or set REDIS_URL.`);
  }
  console.error(`[test setup] Redis: ${url} via ${how}`);
  project.provide('redisUrl', url);
  return stop;
}
