import { Agent } from 'undici';
import { ConfigError } from '../../errors/config-error.ts';

/** Timeouts of one provider's HTTP connections, in milliseconds. */
export interface HttpTimeouts {
  /** TCP + TLS handshake. */
  connectMs: number;
  /** From sending the request to the response headers (first byte for streamed speech). */
  headersMs: number;
  /** Longest silence between two reads of the body; a stalled stream fails after this. */
  bodyIdleMs: number;
  /** How long an idle kept-alive socket is kept for the next request. */
  keepAliveMs: number;
}

/**
 * Streaming speech answers its headers with the first audio, well under a second in normal
 * operation; 30 s leaves room for a loaded provider without letting a dead one hold a worker
 * for minutes. The same bound applies to silence inside a stream.
 */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  connectMs: 10_000,
  headersMs: 30_000,
  bodyIdleMs: 30_000,
  keepAliveMs: 30_000,
};

/** Fills missing timeouts with the defaults and refuses non-positive ones. */
export function resolveHttpTimeouts(partial: Partial<HttpTimeouts> | undefined): HttpTimeouts {
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...partial };
  for (const [name, value] of Object.entries(timeouts)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError(`HTTP timeout ${name} must be a positive number of milliseconds`, value);
    }
  }
  return timeouts;
}

/** A keep-alive connection pool with the given timeouts, for one provider client. */
export function createHttpAgent(timeouts: HttpTimeouts, connectionsPerOrigin?: number): Agent {
  return new Agent({
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyIdleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    ...(connectionsPerOrigin === undefined ? {} : { connections: connectionsPerOrigin }),
  });
}
