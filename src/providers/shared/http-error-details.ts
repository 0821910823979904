import type { ProviderErrorDetails } from '../../errors/provider-error.ts';

/**
 * What a ProviderError for a non-2xx answer carries besides its kind: the HTTP status, which
 * stands as the provider code too, and the Retry-After wait and trace id when the answer had them.
 */
export function httpErrorDetails(
  provider: string,
  status: number,
  retryAfterMs: number | undefined,
  traceId: string | undefined,
): Omit<ProviderErrorDetails, 'kind'> {
  return {
    provider,
    httpStatus: status,
    providerCode: status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(traceId === undefined ? {} : { traceId }),
  };
}
