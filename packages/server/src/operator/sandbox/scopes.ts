import { subscriptionScopes } from './subscriptions.js';

export type SandboxDialect = 'camara' | 'aggregator';

/** Every API scope the sandbox grants, in CAMARA's names; API-level scopes cover both operations. */
const camaraScopes = new Set([
  'number-verification:verify',
  'number-verification:device-phone-number:read',
  'sim-swap',
  'sim-swap:check',
  'sim-swap:retrieve-date',
  'device-swap',
  'device-swap:check',
  'device-swap:retrieve-date',
  'number-recycling:check',
  'kyc-match:match',
  'kyc-tenure:check-tenure',
  'kyc-age-verification:verify',
  'device-roaming-status:read',
  'device-reachability-status:read',
  'call-forwarding-signal:unconditional-call-forwardings:read',
  'call-forwarding-signal:call-forwardings:read',
  'line-info:read',
  ...subscriptionScopes,
]);

/** What an aggregator writes after `dpv:<Purpose>#`, and the CAMARA scope it stands for. */
const aggregatorScopes: Record<string, string> = {
  'number-verification-verify-read': 'number-verification:verify',
  'number-verification-share-read': 'number-verification:device-phone-number:read',
  'check-sim-swap': 'sim-swap:check',
  'retrieve-sim-swap-date': 'sim-swap:retrieve-date',
  'sim-swap': 'sim-swap',
  'check-device-swap': 'device-swap:check',
  'retrieve-device-swap-date': 'device-swap:retrieve-date',
  'check-number-recycling': 'number-recycling:check',
  'kyc-match': 'kyc-match:match',
  'kyc-tenure': 'kyc-tenure:check-tenure',
  'kyc-age-verification': 'kyc-age-verification:verify',
  'device-status-roaming-read': 'device-roaming-status:read',
  'device-status-reachability-read': 'device-reachability-status:read',
  'call-forwarding-signal-unconditional-read': 'call-forwarding-signal:unconditional-call-forwardings:read',
  'call-forwarding-signal-read': 'call-forwarding-signal:call-forwardings:read',
  'line-info-read': 'line-info:read',
};

/**
 * The CAMARA scopes a requested scope string grants in this dialect. `openid` and a bare
 * `dpv:Purpose` carry no API permission; unknown scopes are ignored, as authorization servers do.
 */
export function grantedScopes(requested: string, dialect: SandboxDialect): Set<string> {
  const granted = new Set<string>();
  for (const scope of requested.split(/\s+/).filter(Boolean)) {
    if (dialect === 'camara') {
      if (camaraScopes.has(scope)) granted.add(scope);
      continue;
    }
    const hash = scope.indexOf('#');
    if (!scope.startsWith('dpv:') || hash < 0) continue;
    const canonical = aggregatorScopes[scope.slice(hash + 1)];
    if (canonical) granted.add(canonical);
  }
  return granted;
}

/** The URL version segment of each API in this dialect: CAMARA's current one, or the aggregators' v0. */
export function apiBase(api: string, camaraVersion: string, dialect: SandboxDialect): string {
  return `/${api}/${dialect === 'camara' ? camaraVersion : 'v0'}`;
}
