import { isRecord } from './json-record.ts';

/** `trace_id` of a body or event, when it has one. */
export function readTraceId(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const traceId = body.trace_id;
  return typeof traceId === 'string' && traceId !== '' ? traceId : undefined;
}

/** Appended to messages so a support request can quote the provider's own trace id. */
export function traceSuffix(traceId: string | undefined): string {
  return traceId === undefined ? '' : ` [trace_id ${traceId}]`;
}
