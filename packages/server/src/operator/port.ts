/**
 * The operator port: what Proofline asks of a mobile operator (CAMARA / Open Gateway APIs, plus the
 * line-info lookup some operators sell). Domains call this; adapters (`operator/camara`) implement it.
 * Phone numbers are E.164 with `+`; dates are ISO 8601 strings as the operator sent them.
 */

import { type KycField, kycFields, scoredKycFields } from '@proofline/shared';

/** CAMARA error codes a caller may branch on; operators may send others (`API_NAME.SPECIFIC_CODE`). */
export type OperatorErrorCode =
  | 'INVALID_ARGUMENT'
  | 'OUT_OF_RANGE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'INVALID_TOKEN_CONTEXT'
  | 'NOT_FOUND'
  | 'IDENTIFIER_NOT_FOUND'
  | 'SERVICE_NOT_APPLICABLE'
  | 'MISSING_IDENTIFIER'
  | 'UNSUPPORTED_IDENTIFIER'
  | 'UNNECESSARY_IDENTIFIER'
  | 'QUOTA_EXCEEDED'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL'
  | 'NOT_IMPLEMENTED'
  | 'BAD_GATEWAY'
  | 'UNAVAILABLE'
  | 'TIMEOUT'
  | 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK'
  | 'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION'
  | (string & {});

/** A CAMARA `{status, code, message}` answer, a failed OAuth step, or a transport failure, typed. */
export class OperatorError extends Error {
  readonly code: OperatorErrorCode;
  readonly status: number;
  /** The `x-correlator` of the failed call, for support requests to the operator. */
  readonly correlator: string | undefined;
  /** The OAuth2 `error` when the token or authorize step failed (`invalid_grant`, `access_denied`, …). */
  readonly oauthError: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: OperatorErrorCode,
    status: number,
    message: string,
    extra: { correlator?: string; oauthError?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'OperatorError';
    this.code = code;
    this.status = status;
    this.correlator = extra.correlator;
    this.oauthError = extra.oauthError;
    this.retryAfterSeconds = extra.retryAfterSeconds;
  }

  /** The operator cannot answer for this line: callers fall back (OTP, offline data) instead of failing. */
  get notApplicable(): boolean {
    return this.code === 'IDENTIFIER_NOT_FOUND' || this.code === 'SERVICE_NOT_APPLICABLE';
  }

  /** Worth trying again later (or on another channel) rather than a wrong request. */
  get transient(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** A 3-legged access token from the auth-code exchange; bound to the line the operator identified. */
export type SubjectToken = { accessToken: string; expiresAt: number };

type NumberVerificationAuthorizeInput = {
  /** Our callback, registered with the operator (`/v1/silent/callback`). */
  redirectUri: string;
  /** Opaque, bound to the verification; comes back on the callback. */
  state: string;
  /** PKCE S256 challenge of a verifier the caller keeps (see `createPkcePair`). */
  codeChallenge: string;
  /** `tel:+…` hint; operators may ignore it. */
  loginHint?: string;
};

type NumberVerificationSubject = { phoneNumber: string } | { hashedPhoneNumber: string };

interface NumberVerificationApi {
  /** The operator's authorize URL the device must open over mobile data (scope, PKCE S256, prompt=none). */
  authorizeUrl(input: NumberVerificationAuthorizeInput): string;
  /** Exchanges the code from the callback for a 3-legged token. */
  exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<SubjectToken>;
  /** Does the line behind the token use this number? */
  verify(token: SubjectToken, subject: NumberVerificationSubject): Promise<boolean>;
  /** The number of the line behind the token. */
  devicePhoneNumber(token: SubjectToken): Promise<string>;
  /** The callback's whole server-side step: exchange, then verify the typed number (in clear or hashed). */
  exchangeAndVerify(input: {
    code: string;
    redirectUri: string;
    codeVerifier: string;
    subject: NumberVerificationSubject;
  }): Promise<boolean>;
}

type SwapDate = {
  /** ISO 8601 date-time of the latest change (the activation date if never changed), or null when the
   * operator may not disclose it. */
  latestChange: string | null;
  /** Days the operator watches; with a null date it means "no change within this period". */
  monitoredPeriodDays: number | null;
};

export interface SwapApi {
  /** Was the SIM (or device) changed within `maxAgeHours` (1–2400, operator default 240)? */
  check(input: { phoneNumber: string; maxAgeHours?: number }): Promise<boolean>;
  retrieveDate(input: { phoneNumber: string }): Promise<SwapDate>;
}

type KycMatchResult = 'true' | 'false' | 'not_available';

/** A KYC Match field's CAMARA name: `given_name` → `givenName`. */
export type KycMatchField = CamelCase<KycField>;
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** The CAMARA name of a KYC field of `@proofline/shared` (the one list of them). */
export function kycMatchFieldOf<F extends KycField>(field: F): CamelCase<F> {
  return field.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()) as CamelCase<F>;
}

/** The KYC Match v0.4 request attributes, by their CAMARA names. */
export const kycMatchFields = kycFields.map(kycMatchFieldOf);

/** Fields for which CAMARA defines a `…MatchScore`. */
export const scoredKycMatchFields = scoredKycFields.map(kycMatchFieldOf);

export type KycMatchClaims = Partial<Record<KycMatchField, string>>;

/** One entry per field sent: the operator's verdict and, only with `'false'`, a 0–99 similarity. */
type KycMatchFieldResult = { match: KycMatchResult; score?: number };
export type KycMatchOutcome = Partial<Record<KycMatchField, KycMatchFieldResult>>;

type KycTenureOutcome = {
  tenureDateCheck: boolean;
  contractType: 'PAYG' | 'PAYM' | 'Business' | null;
};

export type AgeVerificationInput = {
  phoneNumber: string;
  ageThreshold: number;
  idDocument?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  middleNames?: string;
  familyNameAtBirth?: string;
  birthdate?: string;
  email?: string;
  includeContentLock?: boolean;
  includeParentalControl?: boolean;
};

type AgeVerificationOutcome = {
  ageCheck: KycMatchResult;
  verifiedStatus: boolean | null;
  identityMatchScore: number | null;
  contentLock: KycMatchResult | null;
  parentalControl: KycMatchResult | null;
};

type RoamingStatus = {
  roaming: boolean;
  /** MCC of the visited network, when roaming. */
  countryCode: number | null;
  /** ISO 3166 alpha-2 codes of that MCC; `[]` when not roaming. */
  countryNames: string[];
  lastStatusTime: string;
};

type ReachabilityStatus = {
  reachable: boolean;
  connectivity: ('DATA' | 'SMS')[];
  lastStatusTime: string;
};

type CallForwardingService =
  | 'inactive'
  | 'unconditional'
  | 'conditional_busy'
  | 'conditional_not_reachable'
  | 'conditional_no_answer';

type LineStatus = 'active' | 'inactive' | 'suspended';

type PortingRecord = { fromCarrier: string; toCarrier: string; portedAt: string };

/** What operators sell as number-portability / line-status lookup (the sandbox's line-info/v0). */
type LineInfo = {
  operatorName: string;
  /** MCC+MNC as one digit string (`"23415"`). */
  network: string;
  lineType: string;
  lineStatus: LineStatus;
  prepaid: boolean;
  ported: boolean;
  portingHistory: PortingRecord[];
  fraudHistory: boolean;
};

/** What a site can watch on a line through the operator's CAMARA subscription APIs. */
export type WatchedLineEvent = 'sim_swap' | 'roaming' | 'reachability';

type LineSubscriptionInput = {
  phoneNumber: string;
  event: WatchedLineEvent;
  /** Where the operator POSTs its CloudEvents. */
  sink: string;
  /** The bearer token the operator must present at the sink, and when it stops being valid. */
  sinkToken: { accessToken: string; expiresAt: number };
  /** When the subscription ends; null: the operator's own policy. */
  expiresAt: number | null;
};

/** One operator-side subscription; some events need several (CAMARA allows one event type each). */
export type LineSubscription = { id: string; event: WatchedLineEvent };

/** A CloudEvent from the operator, read into what happened; `id` is the operator's subscription. */
export type LineEvent = { subscriptionId: string; time: string } & (
  | { kind: 'sim_swap' }
  | { kind: 'roaming'; roaming: boolean; countryCode: number | null; countryNames: string[] }
  | { kind: 'reachability'; reachable: boolean; connectivity: ('DATA' | 'SMS')[] }
  | { kind: 'ended'; reason: string }
);

export interface LineSubscriptionsApi {
  create(input: LineSubscriptionInput): Promise<LineSubscription[]>;
  /** Deleting one the operator no longer knows is not an error. */
  delete(subscription: LineSubscription): Promise<void>;
  /** Reads a notification the operator POSTed to the sink; null when it is not one of its events. */
  readEvent(body: unknown): LineEvent | null;
}

export interface Operator {
  readonly numberVerification: NumberVerificationApi;
  readonly simSwap: SwapApi;
  readonly deviceSwap: SwapApi;
  readonly numberRecycling: {
    /** Has the number changed subscriber after `specifiedDate` (YYYY-MM-DD)? */
    check(input: { phoneNumber: string; specifiedDate: string }): Promise<boolean>;
  };
  kycMatch(input: { phoneNumber: string; claims: KycMatchClaims }): Promise<KycMatchOutcome>;
  kycTenure(input: { phoneNumber: string; tenureDate: string }): Promise<KycTenureOutcome>;
  ageVerification(input: AgeVerificationInput): Promise<AgeVerificationOutcome>;
  roamingStatus(input: { phoneNumber: string }): Promise<RoamingStatus>;
  reachabilityStatus(input: { phoneNumber: string }): Promise<ReachabilityStatus>;
  readonly callForwarding: {
    unconditional(input: { phoneNumber: string }): Promise<boolean>;
    services(input: { phoneNumber: string }): Promise<CallForwardingService[]>;
  };
  /** Null when this deployment's operator offers no line-info API (callers use offline prefix data). */
  lineInfo(input: { phoneNumber: string }): Promise<LineInfo | null>;
  readonly subscriptions: LineSubscriptionsApi;
}
