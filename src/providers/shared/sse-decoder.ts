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
  /**
   * The line not yet ended, in the pieces it came in. Kept as pieces, joined once when its line
   * break comes: appending to one string and searching it again on every read copied the whole
   * line per read, which made a 24-million-character event (a final event repeating 12 MB of
   * audio as hex) take 4 s of CPU instead of milliseconds.
   */
  #lineParts: string[] = [];
  #lineChars = 0;
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
    let from = 0;
    if (this.#afterCarriageReturn && text.charCodeAt(0) === 10) from = 1;
    this.#afterCarriageReturn = false;
    const events: SseEvent[] = [];
    const breaks = new LineBreaks(text);
    for (;;) {
      const breakAt = breaks.next(from);
      if (breakAt === -1) break;
      this.#processLine(this.#takeLine(text.slice(from, breakAt)), events);
      from = breakAt + 1;
      if (text.charCodeAt(breakAt) === 13) {
        if (from === text.length) this.#afterCarriageReturn = true;
        else if (text.charCodeAt(from) === 10) from += 1;
      }
    }
    if (from < text.length) {
      this.#lineParts.push(text.slice(from));
      this.#lineChars += text.length - from;
    }
    if (this.#lineChars + this.#dataChars > this.#maxEventChars) {
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
    if (this.#lineChars > 0) this.#processLine(this.#takeLine(''), events);
    this.#dispatch(events);
    return events;
  }

  /** The unfinished line's pieces, then `last`, as one line; the pieces are cleared. */
  #takeLine(last: string): string {
    if (this.#lineParts.length === 0) return last;
    this.#lineParts.push(last);
    const line = this.#lineParts.join('');
    this.#lineParts = [];
    this.#lineChars = 0;
    return line;
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

/**
 * Finds '\n' and '\r' in one read, each searched for once per occurrence (searching for both
 * from every line start rescans the rest of the read for a '\r' that never comes).
 */
class LineBreaks {
  readonly #text: string;
  #lineFeed = -2;
  #carriageReturn = -2;

  constructor(text: string) {
    this.#text = text;
  }

  /** The first line break at or after `from`, or -1. */
  next(from: number): number {
    if (this.#lineFeed !== -1 && this.#lineFeed < from) this.#lineFeed = this.#text.indexOf('\n', from);
    if (this.#carriageReturn !== -1 && this.#carriageReturn < from) this.#carriageReturn = this.#text.indexOf('\r', from);
    if (this.#lineFeed === -1) return this.#carriageReturn;
    if (this.#carriageReturn === -1) return this.#lineFeed;
    return Math.min(this.#lineFeed, this.#carriageReturn);
  }
}
