import { Redis } from 'ioredis';

export type ConnectionRole = 'producer' | 'worker';

/**
 * Producers fail fast when Redis is down (no offline queue: an enqueue must not hang in
 * memory); workers block on Redis and must never give up on a command (BullMQ requires
 * maxRetriesPerRequest: null for them).
 */
export function createRedisConnection(url: string, role: ConnectionRole): Redis {
  const connection =
    role === 'producer'
      ? new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5000, lazyConnect: true })
      : new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  return connection;
}

/** Connects a lazily created producer connection, with the error the user should see. */
export async function connectProducer(connection: Redis, url: string): Promise<void> {
  if (connection.status === 'wait') {
    try {
      await connection.connect();
    } catch (error) {
      throw new Error(`cannot reach Redis at ${redactRedisUrl(url)}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
}

/** A Redis URL may carry a password: never show it. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparseable url)';
  }
}
