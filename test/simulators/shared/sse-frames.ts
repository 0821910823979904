/** How a simulator writes its SSE stream; each variant is one a client must accept. */
export interface SseStyle {
  /** Line ending of the stream: '\n' (default) or '\r\n'. */
  lineEnding?: '\n' | '\r\n';
  /** Pretty-print each event's JSON over several `data:` lines. */
  multiLineData?: boolean;
  /** Send a `: ping` comment before each event. */
  comments?: boolean;
  /** End with `data: [DONE]` (UNCONFIRMED for SenseAudio; clients must ignore it). */
  done?: boolean;
}

/** One event as SSE text: `data:` line(s), a blank line, and an optional comment before. */
export function frameEvent(payload: object, style: SseStyle): string {
  const lineEnding = style.lineEnding ?? '\n';
  const json = style.multiLineData ? JSON.stringify(payload, null, 1) : JSON.stringify(payload);
  const data = json
    .split('\n')
    .map((line) => `data: ${line}`)
    .join(lineEnding);
  return `${style.comments ? `: ping${lineEnding}` : ''}${data}${lineEnding}${lineEnding}`;
}
