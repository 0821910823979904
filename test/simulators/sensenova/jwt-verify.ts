import { createHmac, timingSafeEqual } from 'node:crypto';

/** The claims of a token the simulator accepted or refused. */
export interface JwtClaims {
  iss?: unknown;
  exp?: unknown;
  nbf?: unknown;
}

export type JwtCheck = { ok: true; claims: JwtClaims } | { ok: false; reason: string; claims?: JwtClaims };

/**
 * Verifies a SenseNova-style HS256 JWT the way the service must: header alg/typ, signature with
 * the AccessKey secret, `iss` equal to the AccessKey ID, `nbf` <= now < `exp` (no leeway, so a
 * client that sends a token at or past `exp` is caught).
 */
export function verifyJwt(token: string, accessKeyId: string, secret: string, nowSeconds: number): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodePart(headerPart);
  if (!isRecord(header) || header.alg !== 'HS256' || header.typ !== 'JWT') return { ok: false, reason: 'unsupported token header' };
  const claims = decodePart(payloadPart);
  if (!isRecord(claims)) return { ok: false, reason: 'malformed token payload' };
  const expected = createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'invalid token signature', claims };
  if (claims.iss !== accessKeyId) return { ok: false, reason: 'unknown access key id', claims };
  if (typeof claims.exp !== 'number' || typeof claims.nbf !== 'number') return { ok: false, reason: 'token lacks exp or nbf', claims };
  if (nowSeconds >= claims.exp) return { ok: false, reason: 'token expired', claims };
  if (nowSeconds < claims.nbf) return { ok: false, reason: 'token not yet valid', claims };
  return { ok: true, claims };
}

function decodePart(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
