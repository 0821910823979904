import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/errors/config-error.ts';
import { createBearerSource } from '../../../../src/providers/sensenova/bearer-source.ts';
import { mintJwt } from '../../../../src/providers/sensenova/jwt.ts';

const ID = 'AK-2f9c';
const SECRET = 'SK-very-secret-71d3';

function decode(token: string): { header: unknown; payload: { iss: string; exp: number; nbf: number }; signature: string; signed: string } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss: string; exp: number; nbf: number },
    signature,
    signed: `${header}.${payload}`,
  };
}

describe('mintJwt', () => {
  it('makes an HS256 JWT with iss, exp = now + 1800 and nbf = now − 5, signed with the secret', () => {
    const { token, expiresAt } = mintJwt(ID, SECRET, 1_700_000_000);
    const parts = decode(token);
    expect(parts.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(parts.payload).toEqual({ iss: ID, exp: 1_700_001_800, nbf: 1_699_999_995 });
    expect(expiresAt).toBe(1_700_001_800);
    expect(parts.signature).toBe(createHmac('sha256', SECRET).update(parts.signed).digest('base64url'));
    expect(token).not.toMatch(/[=+/]/);
  });
});

describe('JWT bearer source', () => {
  it('reuses a token while more than 5 minutes remain and mints a new one before exp', () => {
    let now = 1_700_000_000_000;
    const source = createBearerSource({ accessKeyId: ID, secretAccessKey: SECRET }, { now: () => now });
    const first = source.bearer();
    expect(decode(first).payload.exp).toBe(1_700_001_800);
    now += 1000 * 1000; // 800 s left
    expect(source.bearer()).toBe(first);
    now += 499 * 1000; // 301 s left
    expect(source.bearer()).toBe(first);
    now += 2 * 1000; // 299 s left: refreshed before it expires
    const second = source.bearer();
    expect(second).not.toBe(first);
    expect(decode(second).payload.exp).toBe(Math.floor(now / 1000) + 1800);
    expect(decode(second).payload.nbf).toBe(Math.floor(now / 1000) - 5);
  });

  it('never hands out an expired token, even after a long sleep', () => {
    let now = 1_700_000_000_000;
    const source = createBearerSource({ accessKeyId: ID, secretAccessKey: SECRET }, { now: () => now });
    source.bearer();
    now += 3 * 3600 * 1000;
    const token = source.bearer();
    expect(decode(token).payload.exp).toBeGreaterThan(Math.floor(now / 1000) + 300);
  });

  it('mints anew after invalidate()', () => {
    let now = 1_700_000_000_000;
    const source = createBearerSource({ accessKeyId: ID, secretAccessKey: SECRET }, { now: () => now });
    const first = source.bearer();
    now += 1000;
    expect(source.bearer()).toBe(first);
    source.invalidate();
    expect(source.bearer()).not.toBe(first);
  });

  it('lists the secret, the key id and its tokens for redaction, and names what to check', () => {
    const source = createBearerSource({ accessKeyId: ID, secretAccessKey: SECRET });
    const token = source.bearer();
    expect(source.secrets()).toEqual(expect.arrayContaining([SECRET, ID, token]));
    expect(source.hint).toMatch(/SENSENOVA_SECRET_ACCESS_KEY and the system clock/);
    expect(source.mode).toBe('jwt');
  });

  it('refuses empty credentials and a margin as long as the lifetime', () => {
    expect(() => createBearerSource({ apiKey: ' ' })).toThrow(ConfigError);
    expect(() => createBearerSource({ accessKeyId: ID, secretAccessKey: '' })).toThrow(/SENSENOVA_SECRET_ACCESS_KEY is empty/);
    expect(() =>
      createBearerSource({ accessKeyId: ID, secretAccessKey: SECRET }, { lifetimeSeconds: 60, refreshMarginSeconds: 60 }),
    ).toThrow(ConfigError);
  });
});

describe('API key bearer source', () => {
  it('sends the key as it is', () => {
    const source = createBearerSource({ apiKey: 'sk-static' });
    expect(source.bearer()).toBe('sk-static');
    source.invalidate();
    expect(source.bearer()).toBe('sk-static');
    expect(source.secrets()).toEqual(['sk-static']);
    expect(source.mode).toBe('api-key');
  });
});
