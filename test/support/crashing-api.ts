/**
 * The real API in a child process that SIGKILLs itself at one point of POST /v1/renders, so a
 * test can reproduce each crash window of an enqueue exactly. CRASH_AT:
 * - `after-claim`: the Idempotency-Key is claimed, the render record not yet written;
 * - `after-record`: the record is written, the flow not yet added;
 * - `after-flow`: the flow is added, the enqueue not yet finished.
 * Prints `port <n>` on stdout when listening. Configured by the usual environment variables.
 */
import { FlowProducer } from 'bullmq';
import type { AddressInfo } from 'node:net';
import { buildApiServer } from '../../src/api/server.ts';
import { loadConfig } from '../../src/runtime/app-config.ts';
import { RenderStore } from '../../src/render/render-store.ts';

const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};
const crashAt = process.env.CRASH_AT;
if (crashAt === 'after-claim') {
  RenderStore.prototype.create = () => Promise.resolve(die());
} else if (crashAt === 'after-record') {
  FlowProducer.prototype.add = () => Promise.resolve(die());
} else if (crashAt === 'after-flow') {
  // Called with its own `this` below (apply), so unbinding it is safe.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = FlowProducer.prototype.add;
  FlowProducer.prototype.add = async function addThenDie(this: FlowProducer, ...args: Parameters<FlowProducer['add']>) {
    await original.apply(this, args);
    return die();
  };
} else {
  throw new Error(`CRASH_AT must be after-claim, after-record or after-flow, not ${String(crashAt)}`);
}

const app = await buildApiServer({ config: loadConfig(), logLevel: 'silent' });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`port ${(app.server.address() as AddressInfo).port}\n`);
