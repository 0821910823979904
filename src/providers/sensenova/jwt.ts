import { createHmac } from 'node:crypto';

/** A token and the second (Unix time) it stops being valid. */
export interface MintedJwt {
  token: string;
  expiresAt: number;
}

/** Lifetime SenseNova's docs and SDK use: 30 minutes. */
export const JWT_LIFETIME_SECONDS = 1800;
/** `nbf` a little in the past, as the SDK does, so a server clock slightly behind ours accepts it. */
export const JWT_NOT_BEFORE_SKEW_SECONDS = 5;

/**
 * An HS256 JWT as SenseNova's Authorization docs describe it: header {"alg":"HS256","typ":"JWT"},
 * payload {iss: AccessKeyID, exp: now + 1800, nbf: now − 5}, signed with the AccessKey secret.
 */
export function mintJwt(
  accessKeyId: string,
  secretAccessKey: string,
  nowSeconds: number,
  lifetimeSeconds = JWT_LIFETIME_SECONDS,
): MintedJwt {
  const expiresAt = nowSeconds + lifetimeSeconds;
  const header = base64Url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64Url(JSON.stringify({ iss: accessKeyId, exp: expiresAt, nbf: nowSeconds - JWT_NOT_BEFORE_SKEW_SECONDS }));
  const signature = createHmac('sha256', secretAccessKey).update(`${header}.${payload}`).digest('base64url');
  return { token: `${header}.${payload}.${signature}`, expiresAt };
}

function base64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
