/**
 * Where metrics live in Redis: under the queue prefix, so every API process of a deployment
 * reads the same figures and they survive worker restarts.
 *
 * - counters: one hash, field `<metric name>|<label value>`, value an integer (HINCRBY).
 * - histograms: one hash per histogram, fields `<label value>|le|<upper bound>` (observations
 *   that fell in that bucket and no lower one), `<label value>|sum` and `<label value>|count`.
 *   The bounds are stored as numbers, so a change of buckets never misreads old counts.
 */
export function metricKeys(prefix: string) {
  return {
    counters: `${prefix}:metrics:counters`,
    histogram: (name: string) => `${prefix}:metrics:histogram:${name}`,
  };
}

/** Label values never contain `|`: they are provider names and render statuses. */
export function counterField(metric: string, labelValue: string): string {
  return `${metric}|${labelValue}`;
}

export function parseCounterField(field: string): { metric: string; labelValue: string } | undefined {
  const bar = field.indexOf('|');
  if (bar < 0) return undefined;
  return { metric: field.slice(0, bar), labelValue: field.slice(bar + 1) };
}
