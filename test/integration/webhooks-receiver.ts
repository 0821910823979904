import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got, exactly as it arrived. */
export interface ReceivedWebhook {
  number: number;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body: what a receiver must verify the signature against. */
  body: string;
  /** What the receiver did: answered with a status, or never answered. */
  answer: number | 'hang';
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves once request `number` (1-based) has arrived. */
  whenRequest(number: number): Promise<ReceivedWebhook>;
  /** Runs on every TCP connection accepted (to tell a refused delivery from a failed one). */
  onConnection(callback: () => void): void;
  close(): Promise<void>;
}

/**
 * A local webhook receiver on a real socket. `answers` is consumed in arrival order (a status,
 * or 'hang' to never answer); past its end every request gets 200.
 */
export async function startWebhookReceiver(answers: readonly (number | 'hang')[] = [], host = '127.0.0.1'): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters = new Map<number, ((record: ReceivedWebhook) => void)[]>();
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => {
      const number = received.length + 1;
      const answer = answers[number - 1] ?? 200;
      const record: ReceivedWebhook = {
        number,
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(parts).toString('utf8'),
        answer,
      };
      received.push(record);
      for (const resolve of waiters.get(number) ?? []) resolve(record);
      waiters.delete(number);
      if (answer === 'hang') return;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    received,
    whenRequest(number) {
      const found = received[number - 1];
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.set(number, [...(waiters.get(number) ?? []), resolve]));
    },
    onConnection(callback) {
      server.on('connection', callback);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
