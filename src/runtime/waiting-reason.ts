import type { Redis } from 'ioredis';
import { readWorkerHeartbeats, type WorkerHeartbeatInfo } from './worker-heartbeat.ts';

/** How the live worker processes stand towards one provider. */
export interface ProviderWorkers {
  /** Processes with a live heartbeat that serve the provider. */
  live: number;
  /** Of those, the ones whose credentials for it were refused (paused for it). */
  misconfigured: number;
  /** Of the misconfigured, those stopped by a task query route that does not exist, not by a key. */
  routeRefused: number;
}

export function providerWorkers(heartbeats: readonly WorkerHeartbeatInfo[], provider: string): ProviderWorkers {
  const serving = heartbeats.filter((beat) => beat.providers.includes(provider));
  const stopped = serving.filter((beat) => beat.misconfigured?.[provider] !== undefined);
  return {
    live: serving.length,
    misconfigured: stopped.length,
    routeRefused: stopped.filter((beat) => beat.misconfigured?.[provider]?.cause === 'route').length,
  };
}

/**
 * Said while a render waits with workers that all have refused credentials (it fails after
 * RENDER_STALL_MS). When every one of them was stopped by a query route that does not exist, the
 * key is not the problem and the line says so, naming where the path is set.
 */
export function noValidCredentialsReason(provider: string, workers?: ProviderWorkers): string {
  if (workers !== undefined && workers.misconfigured > 0 && workers.routeRefused === workers.misconfigured) {
    return `no worker with a working ${provider} task query route (its query path setting, e.g. AI302_GENERATE_QUERY_PATH, is wrong)`;
  }
  return `no worker with valid ${provider} credentials`;
}

/** Why a provider's renders are not moving, told from the heartbeats; undefined when some worker can serve it. */
export function reasonFromWorkers(provider: string, workers: ProviderWorkers): string | undefined {
  if (workers.live === 0) return `no live worker serves ${provider}`;
  if (workers.misconfigured === workers.live) return noValidCredentialsReason(provider, workers);
  return undefined;
}

/** Reads the heartbeats and says why `provider`'s renders would wait, if they would. */
export async function waitingReason(redis: Redis, prefix: string, provider: string): Promise<string | undefined> {
  return reasonFromWorkers(provider, providerWorkers(await readWorkerHeartbeats(redis, prefix), provider));
}
