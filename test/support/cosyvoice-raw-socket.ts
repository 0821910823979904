import { once } from 'node:events';
import { WebSocket } from 'ws';

/** What a raw DashScope socket received: text events parsed, binary frames as they came. */
export type RawInbound = { kind: 'event'; event: Record<string, unknown> } | { kind: 'binary'; bytes: Buffer };

export interface RawCosyVoiceSocket {
  ws: WebSocket;
  /** The next thing received, in order. */
  next(): Promise<RawInbound>;
  /** The next text event (binary frames before it are kept in `binaries`). */
  event(): Promise<Record<string, unknown>>;
  /** Reads until task-finished or task-failed; returns every event on the way and that one. */
  untilTaskEnds(): Promise<Record<string, unknown>[]>;
  binaries: Buffer[];
  send(message: unknown): void;
}

/**
 * A bare protocol client for the CosyVoice simulator: sends exactly the messages a test builds
 * (for instance as the official SDK builds them) and hands back what the simulator answered.
 */
export async function openRawCosyVoiceSocket(url: string, key: string): Promise<RawCosyVoiceSocket> {
  const ws = new WebSocket(url, { headers: { authorization: `bearer ${key}` } });
  const queue: RawInbound[] = [];
  const waiting: ((item: RawInbound) => void)[] = [];
  const binaries: Buffer[] = [];
  ws.on('message', (data, isBinary) => {
    const bytes = data as Buffer;
    const item: RawInbound = isBinary
      ? { kind: 'binary', bytes }
      : { kind: 'event', event: JSON.parse(bytes.toString('utf8')) as Record<string, unknown> };
    const wake = waiting.shift();
    if (wake) wake(item);
    else queue.push(item);
  });
  await once(ws, 'open');
  const next = (): Promise<RawInbound> => {
    const item = queue.shift();
    return item ? Promise.resolve(item) : new Promise((resolve) => waiting.push(resolve));
  };
  const event = async (): Promise<Record<string, unknown>> => {
    for (;;) {
      const item = await next();
      if (item.kind === 'event') return item.event;
      binaries.push(item.bytes);
    }
  };
  return {
    ws,
    next,
    event,
    binaries,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async untilTaskEnds() {
      const events: Record<string, unknown>[] = [];
      for (;;) {
        const received = await event();
        events.push(received);
        const name = (received.header as Record<string, unknown>).event;
        if (name === 'task-finished' || name === 'task-failed') return events;
      }
    },
  };
}
