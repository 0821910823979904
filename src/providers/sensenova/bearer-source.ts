import { ConfigError } from '../../errors/config-error.ts';
import { JWT_LIFETIME_SECONDS, mintJwt, type MintedJwt } from './jwt.ts';

/** The two ways to authenticate (SenseNova Authorization docs). */
export type SenseNovaCredentials = { apiKey: string } | { accessKeyId: string; secretAccessKey: string };

/** Gives the Bearer value for the next request, and knows the strings that must never be shown. */
export interface BearerSource {
  readonly mode: 'api-key' | 'jwt';
  /** The token to send now: never one that has expired or is about to. */
  bearer(): string;
  /** Forgets a cached token (after the server refused it), so the next request mints anew. */
  invalidate(): void;
  /** Every secret this source holds or made, for redaction. */
  secrets(): readonly string[];
  /** The environment variables to check when the server refuses the credentials. */
  readonly hint: string;
}

export interface JwtTiming {
  /** Milliseconds since the epoch; injectable so tests can jump the clock. */
  now?: () => number;
  lifetimeSeconds?: number;
  /** A token with less than this left is replaced before it is sent (default 5 minutes). */
  refreshMarginSeconds?: number;
}

/** Refresh with 5 minutes left: covers a request waiting in a pool, a slow first byte, clock drift. */
export const JWT_REFRESH_MARGIN_SECONDS = 300;

/** The Bearer source for the given credentials; ConfigError when they are empty. */
export function createBearerSource(credentials: SenseNovaCredentials, timing: JwtTiming = {}): BearerSource {
  if ('apiKey' in credentials) {
    if (credentials.apiKey.trim() === '') throw new ConfigError('SENSENOVA_API_KEY is empty');
    return new ApiKeySource(credentials.apiKey);
  }
  if (credentials.accessKeyId.trim() === '') throw new ConfigError('SENSENOVA_ACCESS_KEY_ID is empty');
  if (credentials.secretAccessKey.trim() === '') throw new ConfigError('SENSENOVA_SECRET_ACCESS_KEY is empty');
  return new JwtSource(credentials.accessKeyId, credentials.secretAccessKey, timing);
}

class ApiKeySource implements BearerSource {
  readonly mode = 'api-key';
  readonly hint = 'check SENSENOVA_API_KEY';
  readonly #apiKey: string;

  constructor(apiKey: string) {
    this.#apiKey = apiKey;
  }

  bearer(): string {
    return this.#apiKey;
  }

  invalidate(): void {
    // A static key cannot be renewed.
  }

  secrets(): readonly string[] {
    return [this.#apiKey];
  }
}

/** Mints a JWT on first use and again whenever the current one is within the margin of `exp`. */
class JwtSource implements BearerSource {
  readonly mode = 'jwt';
  readonly hint = 'check SENSENOVA_ACCESS_KEY_ID, SENSENOVA_SECRET_ACCESS_KEY and the system clock (the token carries exp/nbf)';
  readonly #accessKeyId: string;
  readonly #secret: string;
  readonly #now: () => number;
  readonly #lifetime: number;
  readonly #margin: number;
  #current: MintedJwt | undefined;
  /** Tokens minted lately; kept only so a server echoing one back cannot get it into a message. */
  readonly #recent: string[] = [];

  constructor(accessKeyId: string, secret: string, timing: JwtTiming) {
    this.#accessKeyId = accessKeyId;
    this.#secret = secret;
    this.#now = timing.now ?? Date.now;
    this.#lifetime = timing.lifetimeSeconds ?? JWT_LIFETIME_SECONDS;
    this.#margin = timing.refreshMarginSeconds ?? JWT_REFRESH_MARGIN_SECONDS;
    if (!(this.#margin >= 0 && this.#margin < this.#lifetime)) {
      throw new ConfigError(`JWT refresh margin must be in [0, lifetime ${this.#lifetime} s), got ${this.#margin}`, this.#margin);
    }
  }

  bearer(): string {
    const nowSeconds = Math.floor(this.#now() / 1000);
    if (this.#current === undefined || this.#current.expiresAt - nowSeconds <= this.#margin) {
      this.#current = mintJwt(this.#accessKeyId, this.#secret, nowSeconds, this.#lifetime);
      this.#recent.push(this.#current.token);
      if (this.#recent.length > 4) this.#recent.shift();
    }
    return this.#current.token;
  }

  invalidate(): void {
    this.#current = undefined;
  }

  secrets(): readonly string[] {
    return [this.#secret, this.#accessKeyId, ...this.#recent];
  }
}
