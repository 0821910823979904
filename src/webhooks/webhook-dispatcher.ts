import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import type { WebhookAddressPolicy } from '../config/webhook-address-policy.ts';

/** A webhook's host is, or resolved only to, an address the policy refuses. Never retried. */
export class WebhookAddressRefusedError extends TtsBatchError {
  /** `reason` names the host or address (it goes into the message as is). */
  constructor(host: string, reason: string) {
    super('WEBHOOK_ADDRESS_REFUSED', `${reason}; list internal receivers in WEBHOOK_ALLOW_HOSTS`, { retryable: false, value: host });
  }
}

/**
 * Resolves like dns.lookup, then keeps only the addresses the policy allows, so the socket
 * connects to an address that was checked (no second resolution a DNS rebind could change).
 * Node asks for every address (`all`) when it races IPv4 and IPv6, one address otherwise.
 */
export function guardedLookup(policy: WebhookAddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((entry) => policy.refusalOf(entry.address) === undefined);
      if (allowed.length === 0) {
        const reasons = addresses.map((entry) => policy.refusalOf(entry.address)).join('; ');
        return callback(new WebhookAddressRefusedError(hostname, `${hostname} resolves to ${reasons || 'no address'}`), '', 0);
      }
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, allowed);
      const [first] = allowed as [LookupAddress];
      callback(null, first.address, first.family);
    });
  };
}

/**
 * The undici Agent webhooks are POSTed through. Every connection is checked at delivery time,
 * whatever was checked when the render was requested: a literal address before connecting
 * (Node skips the lookup for those), a name after resolution. Hosts on the allow-list by name
 * connect unchecked.
 */
export function createWebhookDispatcher(policy: WebhookAddressPolicy, timeoutMs: number): Agent {
  const checked = buildConnector({ timeout: timeoutMs, lookup: guardedLookup(policy) });
  const unchecked = buildConnector({ timeout: timeoutMs });
  const connect: buildConnector.connector = (options, callback) => {
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    if (policy.allowsHost(host)) return unchecked(options, callback);
    if (isIP(host) !== 0) {
      const refusal = policy.refusalOf(host);
      if (refusal !== undefined) return callback(new WebhookAddressRefusedError(host, refusal), null);
    }
    return checked(options, callback);
  };
  return new Agent({ connect, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}
