import { TtsBatchError } from '../../errors/tts-batch-error.ts';

/** One server-sent event. `data` joins the event's `data:` lines with '\n', as the SSE spec says. */
export interface SseEvent {
  /** The `event:` field; 'message' when the server sent none. */
  event: string;
  data: string;
  id?: string;
}

/** Guards against a server that never ends an event (a broken proxy, a wrong endpoint). */
const DEFAULT_MAX_EVENT_CHARS = 64 * 1024 * 1024;

/**
 * Incremental server-sent-events parser (WHATWG rules): feed it the body's reads as they come,
 * get back the events that completed. Reads may split anywhere: inside a UTF-8 character,
 * between '\r' and '\n', inside a field. Lines end with '\n', '\r\n' or '\r'; a blank line ends an
 * event; lines starting with ':' are comments; one space after the field's colon is dropped.
 */
export class SseDecoder {
  readonly #utf8 = new TextDecoder('utf-8');
  readonly #maxEventChars: number;
  /** Text not yet split into lines. */
  #buffer = '';
  /** How far #buffer is known to hold no line break, so long lines are not rescanned. */
  #scanned = 0;
  /** The previous read ended with '\r': a '\n' starting the next read belongs to that break. */
  #afterCarriageReturn = false;
  #dataLines: string[] = [];
  #dataChars = 0;
  #eventType = '';
  #lastId: string | undefined;

  constructor(options: { maxEventChars?: number } = {}) {
    this.#maxEventChars = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS;
  }

  /** Feeds raw bytes; returns the events they completed. */
  push(bytes: Uint8Array): SseEvent[] {
    return this.pushText(this.#utf8.decode(bytes, { stream: true }));
  }

  /** Feeds already-decoded text; returns the events it completed. */
  pushText(text: string): SseEvent[] {
    if (text.length === 0) return [];
    let incoming = text;
    if (this.#afterCarriageReturn && incoming.startsWith('\n')) incoming = incoming.slice(1);
    this.#afterCarriageReturn = false;
    this.#buffer += incoming;
    const events: SseEvent[] = [];
    this.#splitLines(events);
    if (this.#buffer.length + this.#dataChars > this.#maxEventChars) {
      throw new TtsBatchError('SSE_EVENT_TOO_LARGE', `a server-sent event grew past ${this.#maxEventChars} characters without ending`, {
        retryable: true, // a glitch of one response: the next one may end its events
        value: this.#maxEventChars,
      });
    }
    return events;
  }

  /**
   * The body ended. The spec drops an event that was not closed by a blank line; we hand it
   * back instead (some servers omit the last blank line) and let the caller decide whether it is
   * whole, e.g. by parsing its JSON.
   */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    const rest = this.#utf8.decode();
    if (rest.length > 0) events.push(...this.pushText(rest));
    if (this.#buffer.length > 0) {
      this.#processLine(this.#buffer, events);
      this.#buffer = '';
      this.#scanned = 0;
    }
    this.#dispatch(events);
    return events;
  }

  #splitLines(events: SseEvent[]): void {
    const buffer = this.#buffer;
    let lineStart = 0;
    let searchFrom = this.#scanned;
    for (;;) {
      const breakAt = nextLineBreak(buffer, searchFrom);
      if (breakAt === -1) break;
      this.#processLine(buffer.slice(lineStart, breakAt), events);
      let next = breakAt + 1;
      if (buffer.charCodeAt(breakAt) === 13) {
        if (next < buffer.length) {
          if (buffer.charCodeAt(next) === 10) next += 1;
        } else {
          this.#afterCarriageReturn = true;
        }
      }
      lineStart = next;
      searchFrom = next;
    }
    this.#buffer = lineStart === 0 ? buffer : buffer.slice(lineStart);
    this.#scanned = this.#buffer.length;
  }

  #processLine(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      this.#dispatch(events);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#dataLines.push(value);
        this.#dataChars += value.length + 1;
        break;
      case 'event':
        this.#eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastId = value;
        break;
      default:
        // 'retry' and unknown fields carry nothing a batch client uses.
        break;
    }
  }

  #dispatch(events: SseEvent[]): void {
    if (this.#dataLines.length > 0) {
      const event: SseEvent = { event: this.#eventType || 'message', data: this.#dataLines.join('\n') };
      if (this.#lastId !== undefined) event.id = this.#lastId;
      events.push(event);
    }
    this.#dataLines = [];
    this.#dataChars = 0;
    this.#eventType = '';
  }
}

function nextLineBreak(text: string, from: number): number {
  const lineFeed = text.indexOf('\n', from);
  const carriageReturn = text.indexOf('\r', from);
  if (lineFeed === -1) return carriageReturn;
  if (carriageReturn === -1) return lineFeed;
  return Math.min(lineFeed, carriageReturn);
}
