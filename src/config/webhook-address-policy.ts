import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/**
 * Addresses a webhook is never sent to unless allowed: a webhook URL is a request the workers
 * make from inside the deployment's network, so without this a caller could reach the cloud
 * metadata service (169.254.169.254), Redis on loopback or any internal host. Node's BlockList
 * also matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 ranges.
 */
const REFUSED_V4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const REFUSED_V6: readonly [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
];

/** One WEBHOOK_ALLOW_HOSTS entry: a host name (exact, any case), an IP address or a CIDR range. */
type AllowEntry = { kind: 'host'; name: string } | { kind: 'subnet'; address: string; prefix: number; family: 'ipv4' | 'ipv6' };

export interface WebhookAllowList {
  readonly hosts: readonly string[];
  readonly subnets: readonly { address: string; prefix: number; family: 'ipv4' | 'ipv6' }[];
}

function parseEntry(entry: string): AllowEntry | string {
  const [address = '', bits, extra] = entry.split('/');
  const version = isIP(address);
  if (version !== 0 && extra === undefined) {
    const max = version === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits)))
      return `"${entry}": the prefix length must be 0-${max}`;
    return { kind: 'subnet', address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
  }
  if (bits === undefined && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry))
    return { kind: 'host', name: entry.toLowerCase() };
  return `"${entry}" is neither a host name, an IP address nor a CIDR range`;
}

/** WEBHOOK_ALLOW_HOSTS: comma-separated host names, IP addresses and CIDR ranges. */
export const webhookAllowListSchema = z
  .string()
  .optional()
  .transform((value, ctx): WebhookAllowList => {
    const hosts: string[] = [];
    const subnets: WebhookAllowList['subnets'][number][] = [];
    for (const raw of (value ?? '').split(',')) {
      const entry = raw.trim();
      if (entry === '') continue;
      const parsed = parseEntry(entry);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      else if (parsed.kind === 'host') hosts.push(parsed.name);
      else subnets.push({ address: parsed.address, prefix: parsed.prefix, family: parsed.family });
    }
    return { hosts, subnets };
  });

/** Decides which webhook hosts and addresses may be contacted. */
export class WebhookAddressPolicy {
  readonly #refused = new BlockList();
  readonly #allowed = new BlockList();
  readonly #allowedHosts: ReadonlySet<string>;

  constructor(allow: WebhookAllowList = { hosts: [], subnets: [] }) {
    for (const [address, prefix] of REFUSED_V4) this.#refused.addSubnet(address, prefix, 'ipv4');
    for (const [address, prefix] of REFUSED_V6) this.#refused.addSubnet(address, prefix, 'ipv6');
    for (const subnet of allow.subnets) this.#allowed.addSubnet(subnet.address, subnet.prefix, subnet.family);
    this.#allowedHosts = new Set(allow.hosts);
  }

  /** A host name on the allow-list may resolve anywhere (an internal receiver by its name). */
  allowsHost(hostname: string): boolean {
    return this.#allowedHosts.has(bare(hostname).toLowerCase());
  }

  /** Why an IP address is refused, or undefined when it may be contacted. */
  refusalOf(address: string): string | undefined {
    const ip = bare(address);
    const version = isIP(ip);
    if (version === 0) return `"${ip}" is not an IP address`;
    const family = version === 4 ? 'ipv4' : 'ipv6';
    if (this.#allowed.check(ip, family)) return undefined;
    if (this.#refused.check(ip, family)) return `${ip} is a loopback, private, link-local or reserved address`;
    return undefined;
  }

  /**
   * The check a URL gets when a render is requested, without any DNS: a literal address must be
   * allowed, and "localhost" names are refused like the loopback they mean. Names are checked
   * again, after resolution, when the event is delivered (see webhook-dispatcher.ts).
   */
  refusalOfHost(hostname: string): string | undefined {
    const host = bare(hostname).toLowerCase();
    if (this.allowsHost(host)) return undefined;
    if (isIP(host) !== 0) return this.refusalOf(host);
    if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is the loopback host`;
    return undefined;
  }
}

/** URL hostnames write IPv6 in brackets. */
function bare(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
