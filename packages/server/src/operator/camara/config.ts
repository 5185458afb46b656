import type { JWK } from 'jose';

/** Each CAMARA API the adapter calls, keyed by the port's names. */
export type CamaraApiName =
  | 'numberVerification'
  | 'simSwap'
  | 'deviceSwap'
  | 'numberRecycling'
  | 'kycMatch'
  | 'kycTenure'
  | 'ageVerification'
  | 'roamingStatus'
  | 'reachabilityStatus'
  | 'callForwarding'
  | 'lineInfo'
  | 'simSwapSubscriptions'
  | 'roamingSubscriptions'
  | 'reachabilitySubscriptions';

/** Each operation that needs its own scope. */
export type CamaraScopeName =
  | 'numberVerification.verify'
  | 'numberVerification.devicePhoneNumber'
  | 'simSwap.check'
  | 'simSwap.retrieveDate'
  | 'deviceSwap.check'
  | 'deviceSwap.retrieveDate'
  | 'numberRecycling.check'
  | 'kycMatch.match'
  | 'kycTenure.check'
  | 'ageVerification.verify'
  | 'roamingStatus.read'
  | 'reachabilityStatus.read'
  | 'callForwarding.unconditional'
  | 'callForwarding.services'
  | 'lineInfo.read'
  | 'simSwapSubscriptions.swapped'
  | 'simSwapSubscriptions.delete'
  | 'roamingSubscriptions.roamingStatus'
  | 'roamingSubscriptions.delete'
  | 'reachabilitySubscriptions.data'
  | 'reachabilitySubscriptions.sms'
  | 'reachabilitySubscriptions.disconnected'
  | 'reachabilitySubscriptions.delete';

export type ClientAuth =
  | { method: 'client_secret_basic'; clientSecret: string }
  | { method: 'client_secret_post'; clientSecret: string }
  /** RFC 7523 client assertion, the method CAMARA's security profile makes mandatory. */
  | { method: 'private_key_jwt'; privateKey: JWK; alg: 'ES256' | 'RS256' | 'PS256' | 'EdDSA'; kid?: string };

/**
 * `camara`: `openid dpv:Purpose number-verification:verify` (3-legged) and bare API scopes (2-legged).
 * `purpose-hash`: aggregators' `dpv:Purpose#number-verification-verify-read` for both.
 */
type ScopeStyle = 'camara' | 'purpose-hash';

export type CamaraOperatorConfig = {
  /**
   * The operator's apiRoot, e.g. `https://api.example.com` or `http://127.0.0.1:8787/sandbox/operator`.
   * A function is read on every call: the embedded sandbox's port is known only once the server listens.
   */
  baseUrl: string | (() => string);
  /** Default `<baseUrl>/authorize`. */
  authorizeUrl?: string;
  /** Default `<baseUrl>/oauth2/token`. */
  tokenUrl?: string;
  clientId: string;
  clientAuth: ClientAuth;
  /** Presets for paths and scopes; `paths` and `scopes` override single entries. */
  dialect?: 'camara' | 'aggregator';
  /** `<api-name>/<version>` under `baseUrl`; `null` when the operator does not offer the API. */
  paths?: Partial<Record<CamaraApiName, string | null>>;
  scopeStyle?: ScopeStyle;
  scopes?: Partial<Record<CamaraScopeName, string>>;
  /** The DPV purpose of 3-legged (and `purpose-hash` 2-legged) scopes. */
  purpose?: string;
  /** Per attempt; default 3000 ms. */
  timeoutMs?: number;
  /** Wait before the one retry on 5xx/429; default 200 ms. */
  retryBackoffMs?: number;
};

const camaraPaths: Record<CamaraApiName, string | null> = {
  numberVerification: 'number-verification/v2',
  simSwap: 'sim-swap/v2',
  deviceSwap: 'device-swap/v1',
  numberRecycling: 'number-recycling/v0.2',
  kycMatch: 'kyc-match/v0.4',
  kycTenure: 'kyc-tenure/v0.2',
  ageVerification: 'kyc-age-verification/v0.2',
  roamingStatus: 'device-roaming-status/v1',
  reachabilityStatus: 'device-reachability-status/v1',
  callForwarding: 'call-forwarding-signal/v0.4',
  lineInfo: 'line-info/v0',
  simSwapSubscriptions: 'sim-swap-subscriptions/v0.3',
  roamingSubscriptions: 'device-roaming-status-subscriptions/v0.8',
  reachabilitySubscriptions: 'device-reachability-status-subscriptions/v0.8',
};

/** The subscription APIs' scopes, the same for operators and aggregators (CAMARA's names). */
const subscriptionScopes = {
  'simSwapSubscriptions.swapped':
    'sim-swap-subscriptions:org.camaraproject.sim-swap-subscriptions.v0.swapped:create',
  'simSwapSubscriptions.delete': 'sim-swap-subscriptions:delete',
  'roamingSubscriptions.roamingStatus':
    'device-roaming-status-subscriptions:org.camaraproject.device-roaming-status-subscriptions.v0.roaming-status:create',
  'roamingSubscriptions.delete': 'device-roaming-status-subscriptions:delete',
  'reachabilitySubscriptions.data':
    'device-reachability-status-subscriptions:org.camaraproject.device-reachability-status-subscriptions.v0.reachability-data:create',
  'reachabilitySubscriptions.sms':
    'device-reachability-status-subscriptions:org.camaraproject.device-reachability-status-subscriptions.v0.reachability-sms:create',
  'reachabilitySubscriptions.disconnected':
    'device-reachability-status-subscriptions:org.camaraproject.device-reachability-status-subscriptions.v0.reachability-disconnected:create',
  'reachabilitySubscriptions.delete': 'device-reachability-status-subscriptions:delete',
} as const;

/** Aggregators (Telefónica Open Gateway, Vonage) still expose the v0 generation and sell no line-info. */
const aggregatorPaths: Record<CamaraApiName, string | null> = {
  numberVerification: 'number-verification/v0',
  simSwap: 'sim-swap/v0',
  deviceSwap: 'device-swap/v0',
  numberRecycling: 'number-recycling/v0',
  kycMatch: 'kyc-match/v0',
  kycTenure: 'kyc-tenure/v0',
  ageVerification: 'kyc-age-verification/v0',
  roamingStatus: 'device-roaming-status/v0',
  reachabilityStatus: 'device-reachability-status/v0',
  callForwarding: 'call-forwarding-signal/v0',
  lineInfo: null,
  simSwapSubscriptions: null,
  roamingSubscriptions: null,
  reachabilitySubscriptions: null,
};

const camaraScopes: Record<CamaraScopeName, string> = {
  'numberVerification.verify': 'number-verification:verify',
  'numberVerification.devicePhoneNumber': 'number-verification:device-phone-number:read',
  'simSwap.check': 'sim-swap:check',
  'simSwap.retrieveDate': 'sim-swap:retrieve-date',
  'deviceSwap.check': 'device-swap:check',
  'deviceSwap.retrieveDate': 'device-swap:retrieve-date',
  'numberRecycling.check': 'number-recycling:check',
  'kycMatch.match': 'kyc-match:match',
  'kycTenure.check': 'kyc-tenure:check-tenure',
  'ageVerification.verify': 'kyc-age-verification:verify',
  'roamingStatus.read': 'device-roaming-status:read',
  'reachabilityStatus.read': 'device-reachability-status:read',
  'callForwarding.unconditional': 'call-forwarding-signal:unconditional-call-forwardings:read',
  'callForwarding.services': 'call-forwarding-signal:call-forwardings:read',
  'lineInfo.read': 'line-info:read',
  ...subscriptionScopes,
};

/** The v0-era scope names aggregators put after `dpv:Purpose#`. */
const aggregatorScopes: Record<CamaraScopeName, string> = {
  'numberVerification.verify': 'number-verification-verify-read',
  'numberVerification.devicePhoneNumber': 'number-verification-share-read',
  'simSwap.check': 'check-sim-swap',
  'simSwap.retrieveDate': 'retrieve-sim-swap-date',
  'deviceSwap.check': 'check-device-swap',
  'deviceSwap.retrieveDate': 'retrieve-device-swap-date',
  'numberRecycling.check': 'check-number-recycling',
  'kycMatch.match': 'kyc-match',
  'kycTenure.check': 'kyc-tenure',
  'ageVerification.verify': 'kyc-age-verification',
  'roamingStatus.read': 'device-status-roaming-read',
  'reachabilityStatus.read': 'device-status-reachability-read',
  'callForwarding.unconditional': 'call-forwarding-signal-unconditional-read',
  'callForwarding.services': 'call-forwarding-signal-read',
  'lineInfo.read': 'line-info-read',
  // No aggregator sells the subscription APIs (their paths are null): CAMARA's names stand in.
  ...subscriptionScopes,
};

const defaultPurpose = 'dpv:FraudPreventionAndDetection';

export type ResolvedCamaraConfig = {
  baseUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  clientAuth: ClientAuth;
  paths: Record<CamaraApiName, string | null>;
  scopeStyle: ScopeStyle;
  scopes: Record<CamaraScopeName, string>;
  purpose: string;
  timeoutMs: number;
  retryBackoffMs: number;
};

export function resolveCamaraConfig(config: CamaraOperatorConfig): ResolvedCamaraConfig {
  const aggregator = config.dialect === 'aggregator';
  const baseUrl = () =>
    (typeof config.baseUrl === 'function' ? config.baseUrl() : config.baseUrl).replace(/\/+$/, '');
  return {
    get baseUrl() {
      return baseUrl();
    },
    get authorizeUrl() {
      return config.authorizeUrl ?? `${baseUrl()}/authorize`;
    },
    get tokenUrl() {
      return config.tokenUrl ?? `${baseUrl()}/oauth2/token`;
    },
    clientId: config.clientId,
    clientAuth: config.clientAuth,
    paths: { ...(aggregator ? aggregatorPaths : camaraPaths), ...config.paths },
    scopeStyle: config.scopeStyle ?? (aggregator ? 'purpose-hash' : 'camara'),
    scopes: { ...(aggregator ? aggregatorScopes : camaraScopes), ...config.scopes },
    purpose: config.purpose ?? defaultPurpose,
    timeoutMs: config.timeoutMs ?? 3000,
    retryBackoffMs: config.retryBackoffMs ?? 200,
  };
}

/** The scope string to ask for: 3-legged (authorize) carries `openid` and the purpose. */
export function scopeString(
  config: ResolvedCamaraConfig,
  names: CamaraScopeName[],
  threeLegged: boolean,
): string {
  const apiScopes = names.map((name) => config.scopes[name]);
  if (config.scopeStyle === 'purpose-hash') {
    const scoped = apiScopes.map((scope) => `${config.purpose}#${scope}`);
    return (threeLegged ? ['openid', ...scoped] : scoped).join(' ');
  }
  return (threeLegged ? ['openid', config.purpose, ...apiScopes] : apiScopes).join(' ');
}
