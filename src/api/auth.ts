import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../runtime/app-config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { HttpError } from './http-error.ts';

/** True when the presented secret equals one of the configured ones. */
export type TokenVerifier = (presented: string) => boolean;

const digest = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/**
 * Compares sha256 digests with timingSafeEqual: equal lengths whatever was sent, so neither a
 * token's length nor its first differing byte shows in the timing; every token is compared, so
 * which one matched does not show either.
 */
export function createTokenVerifier(tokens: readonly string[]): TokenVerifier {
  const expected = tokens.map(digest);
  return (presented) => {
    const candidate = digest(presented);
    let match = false;
    for (const token of expected) match = timingSafeEqual(token, candidate) || match;
    return match;
  };
}

/** The API never runs open: without a token it refuses to start, and says how to set one. */
export function requireApiTokens(config: AppConfig): readonly string[] {
  const tokens = config.API_TOKENS ?? [];
  if (tokens.length === 0) {
    throw new ConfigError(
      'no API token is configured, so anyone could use the API: set API_TOKENS to one or more comma-separated tokens of at least 16 characters, e.g. API_TOKENS=$(openssl rand -hex 32)',
    );
  }
  return tokens;
}

const BEARER_CHALLENGE = 'Bearer realm="tts-batch"';

type AuthHook = (request: FastifyRequest, reply: FastifyReply, done: (error?: HttpError) => void) => void;

/** An onRequest hook: the request needs `Authorization: Bearer <token>` with a known token. */
export function bearerAuth(verify: TokenVerifier, purpose = 'this route'): AuthHook {
  return (request, _reply, done) => {
    const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) {
      done(
        new HttpError(401, 'UNAUTHORIZED', `${purpose} needs a token: send "Authorization: Bearer <token>"`, {
          headers: { 'www-authenticate': BEARER_CHALLENGE },
        }),
      );
    } else if (!verify(match[1])) {
      done(
        new HttpError(401, 'UNAUTHORIZED', 'the bearer token is not valid', {
          headers: { 'www-authenticate': `${BEARER_CHALLENGE}, error="invalid_token"` },
        }),
      );
    } else {
      done();
    }
  };
}

/**
 * An onRequest hook for browsers: HTTP Basic auth whose password is an API token (any user name).
 * It answers the 401 itself: the pages it guards (Bull Board) install their own error handler,
 * which would drop the WWW-Authenticate challenge that makes a browser ask for credentials.
 */
export function basicAuth(verify: TokenVerifier, realm: string): AuthHook {
  const challenge = `Basic realm="${realm}", charset="UTF-8"`;
  return (request, reply, done) => {
    const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(request.headers.authorization ?? '');
    const credentials = match?.[1] === undefined ? undefined : Buffer.from(match[1], 'base64').toString('utf8');
    const colon = credentials?.indexOf(':') ?? -1;
    if (credentials !== undefined && colon >= 0 && verify(credentials.slice(colon + 1))) {
      done();
      return;
    }
    const message =
      credentials === undefined ? 'sign in with any user name and an API token as the password' : 'the password is not a valid API token';
    void reply
      .code(401)
      .header('www-authenticate', challenge)
      .send({ error: { code: 'UNAUTHORIZED', message } });
  };
}
