import { InputError } from '../errors/input-error.ts';
import { WebhookAddressPolicy } from '../config/webhook-address-policy.ts';

const STRICT = new WebhookAddressPolicy();

/**
 * Checks a webhook URL when a render is requested. Workers POST to it from inside the
 * deployment's network (see docs/webhooks.md on SSRF): only http(s) is fetched, and a URL
 * carrying a user or password is refused, since the render's spec (and its URL) is shown by
 * the status API; receivers authenticate events by their signature instead. A literal loopback,
 * private or link-local address (or "localhost") is refused unless `policy` allows it
 * (WEBHOOK_ALLOW_HOSTS); names are checked after resolution when the event is delivered.
 */
export function assertWebhookUrl(url: string, policy: WebhookAddressPolicy = STRICT): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError('webhook.url', 'must be an absolute http:// or https:// URL', url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InputError('webhook.url', `must use http or https, not ${parsed.protocol.replace(/:$/, '')}`, parsed.protocol);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new InputError('webhook.url', 'must not carry a user or password (receivers check the signature instead)');
  }
  const refusal = policy.refusalOfHost(parsed.hostname);
  if (refusal !== undefined) {
    throw new InputError(
      'webhook.url',
      `must not point inside the deployment's network (${refusal}); list internal receivers in WEBHOOK_ALLOW_HOSTS`,
      parsed.hostname,
    );
  }
  return parsed.toString();
}

/** Where a webhook goes, for logs and error messages: the origin only (paths may hold tokens). */
export function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparseable url)';
  }
}
