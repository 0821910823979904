const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** What ioredis says when a fail-fast connection is down (no offline queue, retries spent, closed). */
const IOREDIS_DOWN =
  /Stream isn't writeable|enableOfflineQueue|Connection is closed|Reached the max retries per request|connect ETIMEDOUT|cannot reach Redis/;

/**
 * Whether a request failed because Redis could not be reached, as opposed to a bug: the API
 * answers the first with 503 (try again later) and the second with 500.
 */
export function isRedisUnavailable(error: unknown, redisStatus: string): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current.name === 'MaxRetriesPerRequestError' || IOREDIS_DOWN.test(current.message)) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  }
  // An unexplained failure while the connection is not up is most likely that.
  return redisStatus !== 'ready';
}
