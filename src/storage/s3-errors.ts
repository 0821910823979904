/** What the AWS SDK tells about a failed call, read defensively: SDK errors are plain objects at heart. */
export interface S3ErrorFacts {
  name: string;
  message: string;
  httpStatus: number | undefined;
  requestId: string | undefined;
  /** Node's network error code (ECONNRESET…), for failures that never got a response. */
  networkCode: string | undefined;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

export function readS3Error(error: unknown): S3ErrorFacts {
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const metadata = typeof record.$metadata === 'object' && record.$metadata !== null ? (record.$metadata as Record<string, unknown>) : {};
  return {
    name: typeof record.name === 'string' ? record.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
    httpStatus: typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined,
    requestId: typeof metadata.requestId === 'string' ? metadata.requestId : undefined,
    networkCode: typeof record.code === 'string' ? record.code : undefined,
  };
}

/** Whether the same call may succeed later: throttling, server faults, timeouts and dropped connections. */
export function isRetryableS3Error(facts: S3ErrorFacts): boolean {
  if (facts.httpStatus !== undefined) {
    return facts.httpStatus >= 500 || facts.httpStatus === 429 || facts.name === 'RequestTimeout';
  }
  if (facts.name === 'TimeoutError') return true;
  return facts.networkCode !== undefined && NETWORK_CODES.has(facts.networkCode);
}

/** A missing object, as HeadObject (bare 404 "NotFound") and GetObject ("NoSuchKey") report it. */
export function isMissingObject(facts: S3ErrorFacts): boolean {
  return facts.name === 'NoSuchKey' || facts.name === 'NotFound' || (facts.httpStatus === 404 && facts.name !== 'NoSuchBucket');
}

/** A GET range that starts at or past the end of the object (S3 answers 416, also for any range on an empty object). */
export function isRangePastEnd(facts: S3ErrorFacts): boolean {
  return facts.name === 'InvalidRange' || facts.httpStatus === 416;
}
