import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';
import type { Provider, SynthesisMeta, SynthesisRequest } from '../../src/providers/provider.ts';

/** Faults every provider's simulator can inject, in the provider's own protocol. */
export type ContractFault = 'rate-limit' | 'server-error' | 'auth' | 'cut-mid-audio' | 'slow-first-byte';
export const CONTRACT_FAULTS: readonly ContractFault[] = ['rate-limit', 'server-error', 'auth', 'cut-mid-audio', 'slow-first-byte'];

/** Faults that cannot happen to a provider at all (a local program has no key to refuse), each with the reason. */
export type UnsupportedFaults = Partial<Record<ContractFault, string>>;

/**
 * Makes a harness. A factory may declare `unsupportedFaults`: the contract then generates no
 * test for those faults and, instead, one visible test per fault stating the declared reason.
 * Declared on the factory because tests are generated before any harness exists.
 */
export interface HarnessFactory {
  (): Promise<ProviderHarness>;
  readonly unsupportedFaults?: UnsupportedFaults;
}

/** What a factory declares unsupported; nothing for a plain factory function. */
export function unsupportedFaultsOf(factory: () => Promise<ProviderHarness>): UnsupportedFaults {
  return (factory as HarnessFactory).unsupportedFaults ?? {};
}

/**
 * A provider client wired to its simulator. Each provider's test folder supplies one; the
 * shared contract suite (test/contract/provider-contract.test.ts) runs the same checks on all.
 */
export interface ProviderHarness {
  name: string;
  provider: Provider;
  /** The credential the client holds: it must never appear in an error. */
  secret: string;
  /** A valid request for a short text, mp3 output. */
  request: SynthesisRequest;
  /** The next request (or task) the simulator sees meets this fault. */
  injectNext(fault: ContractFault): void;
  /** How many requests (HTTP calls, sockets or task submissions) reached the simulator. */
  requestCount(): number;
  close(): Promise<void>;
}

export interface Spoken {
  audio: Uint8Array;
  meta: SynthesisMeta;
}

/**
 * Runs a request to the end through either kind of provider, as a worker would (without the
 * queue): a stream is drained; a task is submitted, polled on its schedule, then downloaded.
 */
export async function speak(provider: Provider, request: SynthesisRequest): Promise<Spoken> {
  const chunks: Uint8Array[] = [];
  let audio: AsyncGenerator<Uint8Array, SynthesisMeta, undefined>;
  let taskBilled: number | undefined;
  if (provider.kind === 'stream') {
    audio = provider.synthesize(request);
  } else {
    const { taskId } = await provider.submit(request);
    const started = Date.now();
    let interval = provider.polling.firstPollMs;
    for (;;) {
      // Polling an external task on its schedule is the protocol itself, not a stand-in for an event.
      await delay(interval);
      const status = await provider.poll(taskId);
      if (status.state === 'succeeded') {
        taskBilled = status.billedCharacters;
        audio = provider.download(status.audioUrl, request);
        break;
      }
      if (status.state === 'failed') throw new Error(`task ${taskId} failed: ${status.reason}`);
      if (Date.now() - started > provider.polling.deadlineMs) throw new Error(`task ${taskId} passed its deadline`);
      interval = Math.min(provider.polling.maxIntervalMs, Math.round(interval * 1.5));
    }
  }
  for (;;) {
    const step = await audio.next();
    if (step.done) {
      const meta = { ...step.value };
      if (meta.billedCharacters === undefined && taskBilled !== undefined) meta.billedCharacters = taskBilled;
      return { audio: Buffer.concat(chunks), meta };
    }
    chunks.push(step.value);
  }
}

/** Every way an error can be shown: none may contain the secret. */
export function errorTexts(error: unknown): string {
  const parts = [String(error), inspect(error, { depth: 6 }), JSON.stringify(error, Object.getOwnPropertyNames(error ?? {}))];
  if (error instanceof Error && error.cause) parts.push(inspect(error.cause, { depth: 6 }));
  return parts.join('\n');
}
