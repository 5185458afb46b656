import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ProoflineError } from '../errors.js';

/** Every address a host name resolves to. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export const resolveWithDns: ResolveHost = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses.map((entry) => entry.address)),
    ),
  );

/** Reaches IPv4 through an address ipaddr.js calls unicast: the deprecated IPv4-compatible `::/96`. */
const ipv4Compatible = ipaddr.parseCIDR('::/96');

/**
 * Whether an IP address is one a webhook may be sent to: ipaddr.js's `unicast` range only, so
 * loopback, private, link-local (cloud metadata), carrier-grade NAT, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`, site-local `fec0::/10`, Teredo, documentation and the rest are refused. IPv4-mapped
 * IPv6 is judged as the IPv4 address it carries.
 */
export function isPublicAddress(address: string): boolean {
  if (isIP(address) === 0 || !ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return isPublicAddress(v6.toIPv4Address().toString());
    if (v6.match(ipv4Compatible)) return false;
  }
  return parsed.range() === 'unicast';
}

function refuse(message: string): ProoflineError {
  return new ProoflineError('invalid_webhook_url', message, [
    { path: 'webhook_url', code: 'invalid_webhook_url', message },
  ]);
}

function hostOf(target: URL): string {
  return target.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * Checks a webhook URL before anything is queued for it: https only, and no loopback or internal
 * host written into the URL, unless insecure targets are allowed (`ALLOW_INSECURE_WEBHOOKS`, on for
 * embedded defaults). Names are checked again after DNS resolution at delivery ({@link publicOnlyLookup}).
 */
export function checkWebhookTarget(url: string, options: { allowInsecure: boolean }): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw refuse('The webhook URL is not a URL.');
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw refuse('Webhook URLs must use https.');
  }
  if (options.allowInsecure) return target;
  if (target.protocol !== 'https:') throw refuse('Webhook URLs must use https.');
  const host = hostOf(target);
  if (host === 'localhost' || host.endsWith('.localhost')) throw refuse('Webhooks cannot target localhost.');
  if (isIP(host) !== 0 && !isPublicAddress(host)) {
    throw refuse('Webhooks cannot target loopback or internal addresses.');
  }
  return target;
}

/**
 * The check made when a site saves its webhook URL: {@link checkWebhookTarget}, then every address
 * the name resolves to must be public, so a mistake shows at once rather than as silent drops.
 */
export async function checkWebhookUrl(
  url: string,
  options: { allowInsecure: boolean; resolveHost: ResolveHost },
): Promise<URL> {
  const target = checkWebhookTarget(url, options);
  const host = hostOf(target);
  if (options.allowInsecure || isIP(host) !== 0) return target;
  let addresses: string[];
  try {
    addresses = await options.resolveHost(host);
  } catch {
    throw refuse(`${host} does not resolve.`);
  }
  if (addresses.length === 0) throw refuse(`${host} does not resolve.`);
  const internal = addresses.find((address) => !isPublicAddress(address));
  if (internal) throw refuse(`${host} resolves to ${internal}, which is not a public address.`);
  return target;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

export type WebhookLookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for `http.request` that refuses a name resolving to an internal address. Checking the
 * address actually connected to (not an earlier, separate resolution) defeats DNS rebinding.
 */
export function publicOnlyLookupVia(resolveHost: ResolveHost): WebhookLookup {
  return (hostname, options, callback) => {
    resolveHost(hostname).then(
      (addresses) => {
        const list = addresses.map((address) => ({ address, family: isIP(address) }));
        if (list.length === 0 || list.some((entry) => !isPublicAddress(entry.address))) {
          const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to an internal address`);
          refused.code = 'EWEBHOOKTARGET';
          return callback(refused, []);
        }
        if (options.all) return callback(null, list);
        return callback(null, list[0]!.address, list[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

export const publicOnlyLookup: WebhookLookup = publicOnlyLookupVia(resolveWithDns);
