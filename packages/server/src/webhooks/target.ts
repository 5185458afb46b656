import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { ProoflineError } from '../errors.js';

/** Addresses a webhook must never reach: loopback, private, link-local (cloud metadata), special. */
const internal = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is one a webhook may be sent to (IPv4-mapped IPv6 judged as IPv4). */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPublicAddress(mapped);
  const family = isIP(address);
  if (family === 0) return false;
  return !internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function refuse(message: string): ProoflineError {
  return new ProoflineError('bad_request', message, [
    { path: 'webhook_url', code: 'webhook_target_refused', message },
  ]);
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
  const host = target.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) throw refuse('Webhooks cannot target localhost.');
  if (isIP(host) !== 0 && !isPublicAddress(host)) {
    throw refuse('Webhooks cannot target loopback or internal addresses.');
  }
  return target;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for `http.request` that refuses a name resolving to an internal address. Checking the
 * address actually connected to (not an earlier, separate resolution) defeats DNS rebinding.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    if (list.length === 0 || list.some((entry) => !isPublicAddress(entry.address))) {
      const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to an internal address`);
      refused.code = 'EWEBHOOKTARGET';
      return callback(refused, []);
    }
    if (options.all) return callback(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
}
