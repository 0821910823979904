import { bookedNow, type ProviderBudget } from '../render/daily-budget.ts';
import type { Redis } from 'ioredis';
import { Counter, Gauge, Registry } from 'prom-client';
import { STITCH_QUEUE, synthesizeQueueName } from '../queue/queue-names.ts';
import { WEBHOOK_QUEUE } from '../queue/webhook-queue.ts';
import { readWorkerHeartbeats } from '../runtime/worker-heartbeat.ts';
import { registerWorkerHealth } from './worker-health-metrics.ts';
import { COUNTERS, HISTOGRAMS, RENDER_END_STATUSES, SENTENCE_TIMING_OUTCOMES } from './metric-definitions.ts';
import { metricKeys, parseCounterField } from './metric-keys.ts';
import { readQueueDepths, QUEUE_STATES } from './queue-depths.ts';
import { parseStoredHistogram, registerStoredHistogram, type StoredSeries } from './stored-histogram.ts';

/** The Content-Type to serve renderMetrics' text with (Prometheus text format 0.0.4). */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Label values every scrape shows, even at zero, so dashboards and alerts see the series. */
function knownLabelValues(label: string, providers: readonly string[]): readonly string[] {
  return label === 'status' ? RENDER_END_STATUSES : label === 'outcome' ? SENTENCE_TIMING_OUTCOMES : providers;
}

/**
 * The deployment's metrics as Prometheus text: the counters and histograms workers keep in
 * Redis under `prefix`, the depth of every queue (synthesize-<provider> for `providers`, stitch,
 * webhooks) and the number of live worker processes. Any API process can serve it; a fresh
 * registry per call means nothing is cached between scrapes.
 */
export async function renderMetrics(
  redis: Redis,
  prefix: string,
  providers: readonly string[],
  budgets: readonly ProviderBudget[] = [],
): Promise<string> {
  const keys = metricKeys(prefix);
  const queueNames = [...providers.map(synthesizeQueueName), STITCH_QUEUE, WEBHOOK_QUEUE];
  const histogramDefs = Object.values(HISTOGRAMS);
  const [counterFields, histogramFields, depths, heartbeats, booked] = await Promise.all([
    redis.hgetall(keys.counters),
    Promise.all(histogramDefs.map((def) => redis.hgetall(keys.histogram(def.name)))),
    readQueueDepths(redis, prefix, queueNames),
    readWorkerHeartbeats(redis, prefix),
    Promise.all(budgets.map((budget) => bookedNow(redis, prefix, budget))),
  ]);
  const registry = new Registry();

  const stored = new Map<string, Map<string, number>>();
  for (const [field, raw] of Object.entries(counterFields)) {
    const parsed = parseCounterField(field);
    const value = Number(raw);
    if (!parsed || !Number.isFinite(value)) continue;
    const byLabel = stored.get(parsed.metric) ?? new Map<string, number>();
    byLabel.set(parsed.labelValue, value);
    stored.set(parsed.metric, byLabel);
  }
  for (const def of Object.values(COUNTERS)) {
    const counter = new Counter({ name: def.name, help: def.help, labelNames: [def.label], registers: [registry] });
    const values = stored.get(def.name) ?? new Map<string, number>();
    for (const labelValue of knownLabelValues(def.label, providers)) if (!values.has(labelValue)) values.set(labelValue, 0);
    for (const [labelValue, value] of values) counter.inc({ [def.label]: labelValue }, value);
  }

  histogramDefs.forEach((def, position) => {
    const series = parseStoredHistogram(histogramFields[position] ?? {});
    const zero = (): StoredSeries => ({ perBucket: new Map(), sum: 0, count: 0 });
    if (def.label === undefined) {
      if (!series.has('')) series.set('', zero());
    } else {
      for (const provider of providers) if (!series.has(provider)) series.set(provider, zero());
    }
    registerStoredHistogram(registry, def, series);
  });

  const jobs = new Gauge({
    name: 'ttsb_queue_jobs',
    help: 'Jobs in each queue by state (BullMQ getJobCounts).',
    labelNames: ['queue', 'state'],
    registers: [registry],
  });
  const oldest = new Gauge({
    name: 'ttsb_queue_oldest_waiting_seconds',
    help: 'Age of the oldest waiting job of each queue, from its creation; 0 when none waits.',
    labelNames: ['queue'],
    registers: [registry],
  });
  for (const depth of depths) {
    for (const state of QUEUE_STATES) jobs.set({ queue: depth.queue, state }, depth.counts[state]);
    oldest.set({ queue: depth.queue }, depth.oldestWaitingSeconds);
  }
  const workers = new Gauge({ name: 'ttsb_workers', help: 'Worker processes with a live heartbeat.', registers: [registry] });
  workers.set(heartbeats.length);
  registerWorkerHealth(registry, heartbeats, providers);
  if (budgets.length > 0) {
    const limit = new Gauge({
      name: 'ttsb_provider_budget_units',
      help: 'PROVIDER_DAILY_BUDGET: units a provider may bill per window (BUDGET_WINDOW_MS, a UTC day by default).',
      labelNames: ['provider'],
      registers: [registry],
    });
    const used = new Gauge({
      name: 'ttsb_provider_budget_booked_units',
      help: "Units booked in the provider's current budget window: renders' estimates, less what finished renders did not bill.",
      labelNames: ['provider'],
      registers: [registry],
    });
    budgets.forEach((budget, index) => {
      limit.set({ provider: budget.provider }, budget.unitsPerWindow);
      used.set({ provider: budget.provider }, booked[index] ?? 0);
    });
  }

  return registry.metrics();
}
