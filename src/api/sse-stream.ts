import type { FastifyReply } from 'fastify';

/** A server-sent event stream on a hijacked reply: Fastify no longer answers this request. */
export interface EventStream {
  readonly closed: boolean;
  /** One event: `event:`, a sequence `id:`, and the JSON data on one `data:` line. */
  send(event: string, data: unknown): void;
  /** A comment line (`: text`), which clients ignore: keeps proxies from timing the stream out. */
  comment(text: string): void;
  end(): void;
  /** Runs once when the stream ends, whoever ended it (us, the client, a broken socket). */
  onClose(callback: () => void): void;
}

export function openEventStream(reply: FastifyReply): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx buffers responses unless told otherwise, which would hold events back.
    'x-accel-buffering': 'no',
  });
  raw.socket?.setNoDelay(true);
  // Browsers reconnect after this long when the stream drops.
  raw.write('retry: 3000\n\n');
  let sequence = 0;
  let closed = false;
  const callbacks: (() => void)[] = [];
  const finish = (): void => {
    if (closed) return;
    closed = true;
    for (const callback of callbacks.splice(0)) callback();
  };
  raw.once('close', finish);
  return {
    get closed() {
      return closed;
    },
    send(event, data) {
      if (closed) return;
      sequence += 1;
      raw.write(`event: ${event}\nid: ${sequence}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    comment(text) {
      if (!closed) raw.write(`: ${text}\n\n`);
    },
    end() {
      if (!closed) raw.end();
      finish();
    },
    onClose(callback) {
      if (closed) callback();
      else callbacks.push(callback);
    },
  };
}
