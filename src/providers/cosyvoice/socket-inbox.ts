import type { WebSocket } from 'ws';

/** One thing that came off the socket, in arrival order. */
export type Inbound =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Buffer }
  /** The socket is closed; `error` is the failure that closed it, when there was one. */
  | { kind: 'closed'; code: number; reason: string; error?: Error };

export interface SocketInboxOptions {
  /**
   * Bytes held for a consumer that is slower than the socket. Past this the socket stops
   * reading (TCP pushes back on the server) until the consumer has taken half of it.
   */
  highWaterBytes: number;
}

/**
 * Turns a WebSocket's events into a queue the client reads at its own pace. Messages never get
 * lost between reads (the client may be suspended at a `yield` while frames arrive), and a slow
 * consumer costs bounded memory: reading pauses above the high-water mark.
 */
export class SocketInbox {
  readonly #socket: WebSocket;
  readonly #highWaterBytes: number;
  readonly #queue: { item: Inbound; size: number }[] = [];
  #queuedBytes = 0;
  #wake: (() => void) | undefined;
  #error: Error | undefined;
  #closed: Inbound | undefined;
  #interrupted = false;

  constructor(socket: WebSocket, options: SocketInboxOptions) {
    this.#socket = socket;
    this.#highWaterBytes = options.highWaterBytes;
    socket.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      this.#push(isBinary ? { kind: 'binary', bytes } : { kind: 'text', text: bytes.toString('utf8') }, bytes.length);
    });
    // 'error' always comes before 'close'; keeping it lets the close say why.
    socket.on('error', (error) => {
      this.#error ??= error;
    });
    socket.on('close', (code, reason) => {
      this.#closed = { kind: 'closed', code, reason: reason.toString('utf8'), ...(this.#error ? { error: this.#error } : {}) };
      this.#wake?.();
    });
  }

  /** Bytes received and not yet taken. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /**
   * Wakes the reader now: its pending (or next) `next()` returns 'interrupted' once, so it can
   * look at why (an abort) without the socket being cut first.
   */
  interrupt(): void {
    this.#interrupted = true;
    this.#wake?.();
  }

  /**
   * The next item, 'timeout' when nothing came for `timeoutMs`, or 'interrupted' after
   * interrupt(). Once the socket is closed and everything before the close was taken, every call
   * returns the close.
   */
  async next(timeoutMs: number): Promise<Inbound | 'timeout' | 'interrupted'> {
    if (this.#takeInterrupt()) return 'interrupted';
    const ready = this.#take();
    if (ready) return ready;
    const arrived = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve(false);
      }, timeoutMs);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve(true);
      };
    });
    if (!arrived) return 'timeout';
    if (this.#takeInterrupt()) return 'interrupted';
    return this.#take() ?? 'timeout';
  }

  #takeInterrupt(): boolean {
    const interrupted = this.#interrupted;
    this.#interrupted = false;
    return interrupted;
  }

  #push(item: Inbound, size: number): void {
    this.#queue.push({ item, size });
    this.#queuedBytes += size;
    if (this.#queuedBytes > this.#highWaterBytes && !this.#socket.isPaused) this.#socket.pause();
    this.#wake?.();
  }

  #take(): Inbound | undefined {
    const entry = this.#queue.shift();
    if (entry === undefined) return this.#closed;
    this.#queuedBytes -= entry.size;
    if (this.#socket.isPaused && this.#queuedBytes <= this.#highWaterBytes / 2) this.#socket.resume();
    return entry.item;
  }
}
