import { remembered } from './remembered.js';

/**
 * Allowed-origin patterns, matched without regular expressions so that no saved pattern can make
 * matching slow. An entry is an exact origin (`https://shop.example.com`, with its port when not
 * the default), a leading wildcard label (`https://*.shop.example.com`: any subdomain, any depth,
 * never the apex), and/or `:*` as the port (`http://localhost:*`). No other `*`.
 */
export type OriginPattern = {
  scheme: 'http' | 'https';
  /** Lowercase host; for a wildcard entry, the part after `*.`. */
  host: string;
  wildcard: boolean;
  /** The port as written, `*` for any, or null for the scheme's default. */
  port: string | '*' | null;
};

export type ParsedOriginPattern = { ok: true; pattern: OriginPattern } | { ok: false; message: string };

const SHAPE = 'an origin such as https://shop.example.com, https://*.example.com or http://localhost:*';
const MAX_LENGTH = 256;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Parses one entry of `allowed_origins`; the message says what is wrong in words a site owner reads. */
export function parseOriginPattern(entry: string): ParsedOriginPattern {
  if (entry.length > MAX_LENGTH) return { ok: false, message: `at most ${MAX_LENGTH} characters` };
  const schemeEnd = entry.indexOf('://');
  const scheme = entry.slice(0, schemeEnd).toLowerCase();
  if (schemeEnd < 0 || (scheme !== 'http' && scheme !== 'https')) return { ok: false, message: SHAPE };
  let rest = entry.slice(schemeEnd + 3).toLowerCase();
  if (rest.includes('/') || rest.includes('?') || rest.includes('#') || rest.includes('@')) {
    return { ok: false, message: `${SHAPE} (no path, query or user)` };
  }
  let port: OriginPattern['port'] = null;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && !rest.endsWith(']')) {
    const written = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (written === '*') port = '*';
    else if (/^\d{1,5}$/.test(written) && Number(written) >= 1 && Number(written) <= 65_535) {
      port = String(Number(written));
    } else return { ok: false, message: 'the port is a number from 1 to 65535, or *' };
    if (port === (scheme === 'https' ? '443' : '80')) port = null;
  }
  const wildcard = rest.startsWith('*.');
  const host = wildcard ? rest.slice(2) : rest;
  if (host.includes('*')) {
    return { ok: false, message: '* only as the whole first label (https://*.example.com) or as the port' };
  }
  const labels = host.split('.');
  if (host.length > 253 || !labels.every((label) => LABEL.test(label))) {
    return { ok: false, message: `${SHAPE} (the host is not a valid name)` };
  }
  if (wildcard && labels.length < 2) {
    return { ok: false, message: 'a wildcard needs a domain under it, such as https://*.example.com' };
  }
  return { ok: true, pattern: { scheme, host, wildcard, port } };
}

/** Entries parsed before: every widget request matches its Origin against the site's entries. */
const parsedEntry = remembered(parseOriginPattern, 1_000);

/** An Origin header value as matching reads it; null when it is not a serialized origin. */
type ParsedOrigin = { protocol: string; hostname: string; port: string } | null;

/**
 * Origins parsed before: a widget request matches its Origin against each entry of every site
 * (CORS) and then of its own site (the procedure). Any client can send any value, so both the
 * count and the length of what is kept are bounded (a real origin is far shorter).
 */
const rememberedOrigin = remembered(parseOrigin, 1_000);
const parsedOriginMaxLength = 256;

function parsedOrigin(origin: string): ParsedOrigin {
  return origin.length > parsedOriginMaxLength ? parseOrigin(origin) : rememberedOrigin(origin);
}

function parseOrigin(origin: string): ParsedOrigin {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (url.origin !== origin.toLowerCase()) return null;
  return { protocol: url.protocol, hostname: url.hostname, port: url.port };
}

/** Whether the request's Origin header value matches the entry; an invalid entry matches nothing. */
export function originMatches(entry: string, origin: string): boolean {
  const parsed = parsedEntry(entry);
  if (!parsed.ok) return false;
  const pattern = parsed.pattern;
  const url = parsedOrigin(origin);
  if (url === null || url.protocol !== `${pattern.scheme}:`) return false;
  const host = url.hostname;
  const hostMatches = pattern.wildcard ? host.endsWith(`.${pattern.host}`) : host === pattern.host;
  if (!hostMatches) return false;
  if (pattern.port === '*') return true;
  return url.port === (pattern.port ?? '');
}
