import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/app-config.ts';
import { postWebhook } from '../../src/webhooks/post-webhook.ts';
import { WebhookAddressPolicy, webhookAllowListSchema } from '../../src/config/webhook-address-policy.ts';
import { WebhookDeliveryError } from '../../src/webhooks/webhook-delivery-error.ts';
import { createWebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.ts';
import { assertWebhookUrl } from '../../src/webhooks/webhook-url.ts';

/**
 * Webhook SSRF: refused addresses are refused before any connection is made, at request time
 * for literal addresses and at delivery time after DNS resolution; WEBHOOK_ALLOW_HOSTS lets an
 * internal receiver through. The only traffic goes to a receiver on loopback that counts the
 * TCP connections it accepts.
 */
describe('webhook address policy', () => {
  const strict = new WebhookAddressPolicy();

  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '169.254.169.254',
    '169.254.0.1',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:10.0.0.1',
  ])('refuses %s', (address) => {
    expect(strict.refusalOf(address)).toMatch(/loopback, private, link-local or reserved/);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:93.184.216.34'])(
    'allows the public address %s',
    (address) => {
      expect(strict.refusalOf(address)).toBeUndefined();
    },
  );

  it('lets WEBHOOK_ALLOW_HOSTS through: names, addresses and CIDR ranges; refuses a bad entry by name', () => {
    const config = loadConfig({ WEBHOOK_ALLOW_HOSTS: 'hooks.internal, 10.0.0.0/8,127.0.0.1,fd00::/8' });
    const policy = new WebhookAddressPolicy(config.WEBHOOK_ALLOW_HOSTS);
    expect(policy.refusalOf('10.200.3.4')).toBeUndefined();
    expect(policy.refusalOf('127.0.0.1')).toBeUndefined();
    expect(policy.refusalOf('127.0.0.2')).toBeDefined();
    expect(policy.refusalOf('fd00::5')).toBeUndefined();
    expect(policy.refusalOf('169.254.169.254')).toBeDefined();
    expect(policy.allowsHost('HOOKS.internal')).toBe(true);
    expect(() => loadConfig({ WEBHOOK_ALLOW_HOSTS: '10.0.0.0/33' })).toThrow(
      /WEBHOOK_ALLOW_HOSTS: "10\.0\.0\.0\/33": the prefix length must be 0-32/,
    );
    expect(() => loadConfig({ WEBHOOK_ALLOW_HOSTS: 'http://x' })).toThrow(/WEBHOOK_ALLOW_HOSTS: "http:\/\/x" is neither/);
    expect(webhookAllowListSchema.parse(undefined)).toEqual({ hosts: [], subnets: [] });
  });

  it('refuses literal internal addresses and localhost when a render is requested (no DNS)', () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:9/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'http://10.0.0.7/h',
      'http://localhost:8080/',
      'http://a.localhost/',
    ]) {
      expect(() => assertWebhookUrl(url), url).toThrow(
        /^webhook\.url: must not point inside the deployment's network .*WEBHOOK_ALLOW_HOSTS$/,
      );
    }
    expect(() => assertWebhookUrl('gopher://example.com/')).toThrow(/must use http or https, not gopher/);
    const allowLoopback = new WebhookAddressPolicy(webhookAllowListSchema.parse('127.0.0.1'));
    expect(assertWebhookUrl('http://127.0.0.1:9/hook', allowLoopback)).toBe('http://127.0.0.1:9/hook');
    expect(assertWebhookUrl('https://hooks.example.com/tts')).toBe('https://hooks.example.com/tts');
  });
});

describe('webhook delivery checks the address it connects to', () => {
  let server: Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(204).end());
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function deliver(policy: WebhookAddressPolicy, url: string): Promise<number | WebhookDeliveryError> {
    const dispatcher = createWebhookDispatcher(policy, 2000);
    try {
      return await postWebhook(dispatcher, { url, body: '{}', headers: { 'content-type': 'application/json' }, timeoutMs: 2000 });
    } catch (error) {
      if (error instanceof WebhookDeliveryError) return error;
      throw error;
    } finally {
      await dispatcher.close();
    }
  }

  it('refuses a literal loopback address without connecting, and does not retry it', async () => {
    const before = connections;
    const outcome = await deliver(new WebhookAddressPolicy(), `http://127.0.0.1:${port}/hook?token=t0k3n`);
    expect(outcome).toBeInstanceOf(WebhookDeliveryError);
    const error = outcome as WebhookDeliveryError;
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^webhook http:\/\/127\.0\.0\.1:\d+: 127\.0\.0\.1 is a loopback, private, link-local or reserved address/,
    );
    expect(error.message, 'the path and query stay out of the message').not.toContain('t0k3n');
    expect(connections - before).toBe(0);
  });

  it('refuses a name that resolves to loopback (checked after resolution), without connecting', async () => {
    const before = connections;
    const outcome = await deliver(new WebhookAddressPolicy(), `http://localhost:${port}/hook`);
    expect(outcome).toBeInstanceOf(WebhookDeliveryError);
    expect((outcome as WebhookDeliveryError).retryable).toBe(false);
    expect((outcome as WebhookDeliveryError).message).toMatch(/localhost resolves to .*loopback/);
    expect(connections - before).toBe(0);
  });

  it('delivers to loopback when WEBHOOK_ALLOW_HOSTS lists the address or the name', async () => {
    const before = connections;
    expect(await deliver(new WebhookAddressPolicy(webhookAllowListSchema.parse('127.0.0.1')), `http://127.0.0.1:${port}/hook`)).toBe(204);
    // The name resolves to 127.0.0.1 (and perhaps ::1, refused and dropped): it connects to 127.0.0.1.
    expect(await deliver(new WebhookAddressPolicy(webhookAllowListSchema.parse('127.0.0.0/8')), `http://localhost:${port}/hook`)).toBe(204);
    expect(await deliver(new WebhookAddressPolicy(webhookAllowListSchema.parse('localhost')), `http://localhost:${port}/hook`)).toBe(204);
    expect(connections - before).toBe(3);
  });
});
