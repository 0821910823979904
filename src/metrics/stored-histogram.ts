import { AggregatorRegistry } from 'prom-client';
import type { Registry } from 'prom-client';

/** One label set's observations as stored: counts per bucket bound (not cumulative), sum, count. */
export interface StoredSeries {
  perBucket: Map<number, number>;
  sum: number;
  count: number;
}

export interface HistogramShape {
  name: string;
  help: string;
  label: string | undefined;
  buckets: readonly number[];
}

/** Groups a histogram hash (see metric-keys.ts) by label value. Unreadable fields are skipped. */
export function parseStoredHistogram(fields: Record<string, string>): Map<string, StoredSeries> {
  const series = new Map<string, StoredSeries>();
  const seriesOf = (labelValue: string): StoredSeries => {
    let found = series.get(labelValue);
    if (!found) {
      found = { perBucket: new Map(), sum: 0, count: 0 };
      series.set(labelValue, found);
    }
    return found;
  };
  for (const [field, raw] of Object.entries(fields)) {
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    const parts = field.split('|');
    const labelValue = parts[0] ?? '';
    if (parts.length === 3 && parts[1] === 'le') {
      const bound = parts[2] === '+Inf' ? Infinity : Number(parts[2]);
      if (Number.isNaN(bound)) continue;
      const entry = seriesOf(labelValue);
      entry.perBucket.set(bound, (entry.perBucket.get(bound) ?? 0) + value);
    } else if (parts.length === 2 && parts[1] === 'sum') {
      seriesOf(labelValue).sum = value;
    } else if (parts.length === 2 && parts[1] === 'count') {
      seriesOf(labelValue).count = value;
    }
  }
  return series;
}

interface ExportedValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

function exportSeries(shape: HistogramShape, labelValue: string, stored: StoredSeries): ExportedValue[] {
  const labels: Record<string, string> = shape.label === undefined ? {} : { [shape.label]: labelValue };
  const values: ExportedValue[] = shape.buckets.map((bound) => {
    let cumulative = 0;
    for (const [storedBound, count] of stored.perBucket) if (storedBound <= bound) cumulative += count;
    return { metricName: `${shape.name}_bucket`, labels: { ...labels, le: bound }, value: cumulative };
  });
  values.push(
    { metricName: `${shape.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: stored.count },
    { metricName: `${shape.name}_sum`, labels, value: stored.sum },
    { metricName: `${shape.name}_count`, labels, value: stored.count },
  );
  return values;
}

/**
 * Adds a histogram whose counts were kept in Redis to a prom-client registry. prom-client's
 * Histogram can only be fed observations, not stored bucket counts. Its documented way to show
 * values that other processes recorded (here the workers, through Redis) is
 * `AggregatorRegistry.aggregate`, which builds a metric from their JSON form (what
 * `registry.getMetricsAsJSON()` gives); from one source, the sum aggregator passes every value
 * through unchanged.
 */
export function registerStoredHistogram(registry: Registry, shape: HistogramShape, series: ReadonlyMap<string, StoredSeries>): void {
  const asJson = {
    name: shape.name,
    help: shape.help,
    type: 'histogram',
    aggregator: 'sum',
    values: [...series].flatMap(([labelValue, stored]) => exportSeries(shape, labelValue, stored)),
  };
  const metric = AggregatorRegistry.aggregate([[asJson]]).getSingleMetric(shape.name);
  if (metric === undefined) throw new Error(`prom-client did not build the stored histogram ${shape.name}`);
  registry.registerMetric(metric);
}
