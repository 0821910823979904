import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RenderStore } from '../render/render-store.ts';
import { noValidCredentialsReason, providerWorkers, type ProviderWorkers } from '../runtime/waiting-reason.ts';
import { WAITING_STATUSES } from '../render/waiting-statuses.ts';
import type { AnnounceRenderEnd } from './render-ended.ts';
import { readWorkerHeartbeats } from '../runtime/worker-heartbeat.ts';

export interface StallWatchdogOptions {
  redis: Redis;
  prefix: string;
  store: RenderStore;
  /** RENDER_STALL_MS. */
  stallMs: number;
  logger: Logger;
  renderEnded: AnnounceRenderEnd;
}

export interface StallWatchdog {
  /** One pass (the timer calls it; tests may too). */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** `<prefix>:credentials-stall:<provider>`: epoch ms since when every live worker of it has refused credentials. */
const stallKey = (prefix: string, provider: string): string => `${prefix}:credentials-stall:${provider}`;

/**
 * Fails the renders of a provider that has had live workers, but none with valid credentials,
 * for RENDER_STALL_MS: they would otherwise wait forever without a word. The start of such a
 * spell is kept in Redis (SET NX), so every process running a watchdog agrees on it; a render
 * younger than the spell gets its own full RENDER_STALL_MS. A provider with no live worker at
 * all is left waiting: starting a worker is the fix, and the queue is durable for that.
 * markFailed is atomic, so two watchdogs (or a watchdog and a worker) never end a render twice.
 */
export function startStallWatchdog(options: StallWatchdogOptions): StallWatchdog {
  const { redis, prefix, store, stallMs, logger } = options;
  const check = async (): Promise<void> => {
    const now = Date.now();
    const heartbeats = await readWorkerHeartbeats(redis, prefix);
    const providers = new Set(heartbeats.flatMap((beat) => beat.providers));
    const stalled: { provider: string; since: number; workers: ProviderWorkers }[] = [];
    for (const provider of providers) {
      const workers = providerWorkers(heartbeats, provider);
      const key = stallKey(prefix, provider);
      if (workers.misconfigured < workers.live) {
        await redis.del(key);
        continue;
      }
      // Kept while some watchdog keeps seeing the spell; a stale start never outlives it long.
      await redis
        .multi()
        .set(key, String(now), 'NX')
        .pexpire(key, stallMs * 4)
        .exec();
      const since = Number(await redis.get(key)) || now;
      if (now - since >= stallMs) stalled.push({ provider, since, workers });
    }
    if (stalled.length === 0) return;
    const waiting = (await Promise.all(WAITING_STATUSES.map((status) => store.list({ status, limit: 10_000 })))).flat();
    for (const { provider, since, workers } of stalled) {
      for (const state of waiting) {
        if (state.spec.provider !== provider) continue;
        const waitedMs = now - Math.max(since, Date.parse(state.spec.createdAt));
        if (waitedMs < stallMs) continue;
        const reason = `${noValidCredentialsReason(provider, workers)} for ${Math.round(waitedMs / 1000)} s (RENDER_STALL_MS)`;
        if (await store.markFailed(state.spec.id, reason)) {
          logger.error({ renderId: state.spec.id, provider, waitedMs }, 'render failed: no worker with valid credentials');
          await options.renderEnded(state.spec.id, 'failed');
        }
      }
    }
  };
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      running = running
        .then(check)
        .catch((error: unknown) =>
          logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'stall watchdog: check failed'),
        );
    },
    Math.max(250, Math.min(60_000, Math.floor(stallMs / 4))),
  );
  timer.unref();
  return {
    check,
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
