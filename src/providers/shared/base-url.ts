import { ConfigError } from '../../errors/config-error.ts';
import { describeError } from './network-error.ts';

/**
 * A provider's configured base URL, parsed once at construction so a typo fails at start-up
 * rather than on the first billed call. `variable` names the setting in the error; with
 * `protocols` (e.g. ['ws:', 'wss:']) any other scheme is refused too.
 */
export function parseBaseUrl(value: string, variable: string, protocols?: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new ConfigError(`${variable} is not a URL: ${describeError(error)}`, value);
  }
  if (protocols !== undefined && !protocols.includes(url.protocol)) {
    throw new ConfigError(`${variable} must be a ${protocols.map((protocol) => `${protocol}//`).join(' or ')} URL`, value);
  }
  return url;
}
