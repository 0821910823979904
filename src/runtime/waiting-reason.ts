import type { Redis } from 'ioredis';
import { readWorkerHeartbeats, type WorkerHeartbeatInfo } from './worker-heartbeat.ts';

/** How the live worker processes stand towards one provider. */
export interface ProviderWorkers {
  /** Processes with a live heartbeat that serve the provider. */
  live: number;
  /** Of those, the ones whose credentials for it were refused (paused for it). */
  misconfigured: number;
}

export function providerWorkers(heartbeats: readonly WorkerHeartbeatInfo[], provider: string): ProviderWorkers {
  const serving = heartbeats.filter((beat) => beat.providers.includes(provider));
  return { live: serving.length, misconfigured: serving.filter((beat) => beat.misconfigured?.[provider] !== undefined).length };
}

/** Said while a render waits with workers that all have refused credentials (it fails after RENDER_STALL_MS). */
export function noValidCredentialsReason(provider: string): string {
  return `no worker with valid ${provider} credentials`;
}

/** Why a provider's renders are not moving, told from the heartbeats; undefined when some worker can serve it. */
export function reasonFromWorkers(provider: string, workers: ProviderWorkers): string | undefined {
  if (workers.live === 0) return `no live worker serves ${provider}`;
  if (workers.misconfigured === workers.live) return noValidCredentialsReason(provider);
  return undefined;
}

/** Reads the heartbeats and says why `provider`'s renders would wait, if they would. */
export async function waitingReason(redis: Redis, prefix: string, provider: string): Promise<string | undefined> {
  return reasonFromWorkers(provider, providerWorkers(await readWorkerHeartbeats(redis, prefix), provider));
}
