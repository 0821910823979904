import { z } from 'zod';
import { providerWorkers } from '../runtime/waiting-reason.ts';
import type { WorkerHeartbeatInfo } from '../runtime/worker-heartbeat.ts';

export const providerReadinessSchema = z
  .record(
    z.string(),
    z.object({
      workers: z.number().int().describe('live worker processes serving the provider'),
      misconfigured: z.number().int().describe('of those, how many had their credentials refused (paused for it, re-checking)'),
      reasons: z.array(z.string()).optional().describe('what the provider said to the misconfigured ones'),
    }),
  )
  .describe('per provider served by some live worker');

/** /readyz detail: per provider, how many live workers serve it and how many are misconfigured. */
export function providerReadiness(heartbeats: readonly WorkerHeartbeatInfo[]): z.infer<typeof providerReadinessSchema> {
  const names = [...new Set(heartbeats.flatMap((beat) => beat.providers))].sort();
  return Object.fromEntries(
    names.map((name) => {
      const { live, misconfigured } = providerWorkers(heartbeats, name);
      const reasons = [...new Set(heartbeats.flatMap((beat) => (beat.misconfigured?.[name] ? [beat.misconfigured[name].reason] : [])))];
      return [name, { workers: live, misconfigured, ...(reasons.length > 0 ? { reasons } : {}) }];
    }),
  );
}
