import { Gauge, type Registry } from 'prom-client';
import { providerWorkers } from '../runtime/waiting-reason.ts';
import type { WorkerHeartbeatInfo } from '../runtime/worker-heartbeat.ts';

/**
 * ttsb_workers_misconfigured{provider}: live worker processes whose credentials for the
 * provider were refused (they take none of its jobs until a re-check succeeds). Alert when it
 * is above 0; when it equals the number serving the provider, its renders wait.
 */
export function registerWorkerHealth(registry: Registry, heartbeats: readonly WorkerHeartbeatInfo[], providers: readonly string[]): void {
  const misconfigured = new Gauge({
    name: 'ttsb_workers_misconfigured',
    help: 'Live worker processes whose credentials for the provider were refused; they are paused for it and re-check on a back-off.',
    labelNames: ['provider'],
    registers: [registry],
  });
  for (const provider of providers) misconfigured.set({ provider }, providerWorkers(heartbeats, provider).misconfigured);
}
