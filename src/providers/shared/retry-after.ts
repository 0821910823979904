/**
 * Reads a `Retry-After` header (RFC 9110: delay-seconds or an HTTP-date) as milliseconds from
 * `now`. Returns undefined when absent or unreadable, 0 for a date already past.
 */
export function parseRetryAfter(header: string | readonly string[] | undefined, now: number = Date.now()): number | undefined {
  const value = (typeof header === 'string' ? header : header?.[0])?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // A bare number that is not delay-seconds (negative, exponent) is unreadable, not a date.
  if (/^[-+]?[\d.e]+$/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
