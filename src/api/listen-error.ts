import { TtsBatchError } from '../errors/tts-batch-error.ts';

const WHY: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'this machine has no such address',
};

/** The API could not bind its address. `value` is host:port; no retry by this process helps. */
export class ListenError extends TtsBatchError {
  constructor(host: string, port: number, cause: unknown) {
    const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    const why =
      code === undefined
        ? cause instanceof Error
          ? cause.message
          : String(cause)
        : `${WHY[code] ?? (cause instanceof Error ? cause.message : code)} (${code})`;
    super('LISTEN_FAILED', `cannot listen on ${host}:${port}: ${why}; set PORT or API_HOST`, {
      retryable: false,
      value: `${host}:${port}`,
      cause,
    });
  }
}
