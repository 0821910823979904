import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenVerifier } from './auth.ts';
import { HttpError } from './http-error.ts';

const BEARER_CHALLENGE = 'Bearer realm="tts-batch-admin"';

/**
 * An onRequest hook for admin routes: `Authorization: Bearer <token>` with a token from
 * API_ADMIN_TOKENS. An ordinary API token is known but not enough (403); anything else is 401.
 * With API_ADMIN_TOKENS unset no token is enough, so the admin routes are closed by default.
 */
export function adminAuth(isAdmin: TokenVerifier, isUser: TokenVerifier) {
  return (request: FastifyRequest, _reply: FastifyReply, done: (error?: HttpError) => void): void => {
    const token = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) {
      done(
        new HttpError(
          401,
          'UNAUTHORIZED',
          'admin routes need an admin token: send "Authorization: Bearer <token>" with a token from API_ADMIN_TOKENS',
          { headers: { 'www-authenticate': BEARER_CHALLENGE } },
        ),
      );
    } else if (isAdmin(token)) {
      done();
    } else if (isUser(token)) {
      done(new HttpError(403, 'FORBIDDEN', 'this route needs an admin token (API_ADMIN_TOKENS); an API token is not enough'));
    } else {
      done(
        new HttpError(401, 'UNAUTHORIZED', 'the bearer token is not valid', {
          headers: { 'www-authenticate': `${BEARER_CHALLENGE}, error="invalid_token"` },
        }),
      );
    }
  };
}
