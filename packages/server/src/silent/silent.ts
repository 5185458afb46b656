import { createHash, randomBytes } from 'node:crypto';
import type { Settings, VerificationStatus } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import type { Logger } from '../logging/index.js';
import { createPkcePair, hashPhoneNumber, type Operator, OperatorError } from '../operator/index.js';
import type { Store } from '../store/index.js';
import { originMatches } from '../tenants/index.js';
import type {
  Caller,
  SilentVerifier,
  Surface,
  VerificationRecord,
  VerificationState,
} from '../verification/index.js';

/** What the callback needs of the verification flow (the VerificationService fits). */
export interface SilentCompletion {
  completeSilent(
    caller: Caller,
    verificationId: string,
    outcome: { verified: boolean; reason?: string },
  ): Promise<VerificationState>;
}

export type SilentDeps = {
  store: Store;
  clock: Clock;
  logger: Logger;
  operator: Pick<Operator, 'numberVerification'>;
  /** `<public URL>/v1/silent/callback`; read per attempt, since the port is known only once listening. */
  redirectUri: () => string;
  loadSettings(siteKey: string): Promise<Settings>;
  /** How long an attempt may take, from `begin` to the end of the callback. */
  timeoutMs: number;
  /** Send `login_hint=tel:+…` on the authorize URL. */
  loginHint?: boolean;
  /** Send the number to Number Verification as `hashedPhoneNumber` (`OPERATOR_HASHED_PHONE`). */
  hashedPhone?: boolean;
};

/** One silent attempt, stored under the hash of its `state` until the callback takes it. */
type Attempt = {
  verificationId: string;
  siteKey: string;
  /** Absent on attempts stored by an earlier release, which only the widget started. */
  surface?: Surface;
  phone: string;
  codeVerifier: string;
  returnUrl: string | null;
  /** Epoch ms: a callback after this falls back instead of approving. */
  deadline: number;
};

/** What the callback did: the HTTP layer answers JSON (`fetch` mode) or redirects (`redirect` mode). */
export type SilentCallbackResult = {
  verificationId: string;
  status: VerificationStatus;
  method: 'silent' | 'otp' | null;
  /** Where to send the browser back, with the verification id in the fragment; null in `fetch` mode. */
  redirectTo: string | null;
  /** The verification as the callback left it, for an edge that answers in another API's shape. */
  record: VerificationRecord;
};

/**
 * A late callback must still find its attempt, to fall back and to send the browser home; the
 * attempt is deleted when the callback takes it, so this only bounds abandoned ones.
 */
const attemptTtlMs = 30 * 60_000;

/** OAuth errors an authorize step may send back; anything else is reported as `silent_failed`. */
const oauthErrors = new Set([
  'access_denied',
  'invalid_request',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
  'unauthorized_client',
  'unsupported_response_type',
  'login_required',
  'interaction_required',
  'consent_required',
]);

const attemptKey = (state: string) => `silent:{${createHash('sha256').update(state).digest('base64url')}}`;

/**
 * Silent verification over the operator's Number Verification API. `begin` stores a PKCE verifier
 * under an unguessable `state` and answers the authorize URL; `callback` takes the attempt once,
 * exchanges the code, verifies the typed number and tells the verification flow how it went.
 */
export class SilentVerification implements SilentVerifier {
  constructor(private readonly deps: SilentDeps) {}

  async begin(context: {
    verificationId: string;
    siteKey: string;
    surface: Surface;
    phone: string;
    returnUrl: string | null;
  }): Promise<{ authUrl: string; expiresAt: number }> {
    if (context.returnUrl !== null) await this.assertReturnUrl(context.siteKey, context.returnUrl);
    const state = randomBytes(32).toString('base64url');
    const pkce = createPkcePair();
    const now = this.deps.clock.now();
    const attempt: Attempt = {
      verificationId: context.verificationId,
      siteKey: context.siteKey,
      surface: context.surface,
      phone: context.phone,
      codeVerifier: pkce.verifier,
      returnUrl: context.returnUrl,
      deadline: now + this.deps.timeoutMs,
    };
    await this.deps.store.set(attemptKey(state), JSON.stringify(attempt), { ttlMs: attemptTtlMs });
    const authUrl = this.deps.operator.numberVerification.authorizeUrl({
      redirectUri: this.deps.redirectUri(),
      state,
      codeChallenge: pkce.challenge,
      ...(this.deps.loginHint ? { loginHint: `tel:${context.phone}` } : {}),
    });
    return { authUrl, expiresAt: attempt.deadline };
  }

  /**
   * The operator's redirect: `code` (or `error`) and `state`. Approves when the operator says the
   * line is the typed number; any other outcome (denied, mismatch, operator error, too late) moves
   * the verification on to its next channel. An unknown or used `state` is `not_found`.
   */
  async callback(
    query: { state: string; code?: string | undefined; error?: string | undefined },
    ip: string | null,
    flow: SilentCompletion,
  ): Promise<SilentCallbackResult> {
    const attempt = await this.take(query.state);
    if (!attempt)
      throw new ProoflineError('not_found', 'This silent verification attempt is unknown or over.');
    const outcome = await this.outcomeOf(attempt, query);
    const state = await flow.completeSilent(
      // The attempt (found by its unguessable state) names the one verification it may complete.
      { siteKey: attempt.siteKey, surface: attempt.surface ?? 'widget', ip, hostname: null },
      attempt.verificationId,
      outcome,
    );
    this.deps.logger.info(
      {
        verificationId: attempt.verificationId,
        siteKey: attempt.siteKey,
        verified: outcome.verified,
        reason: outcome.reason ?? null,
        status: state.record.status,
      },
      'silent verification callback',
    );
    const step = state.record.workflow[state.record.stepIndex];
    return {
      verificationId: attempt.verificationId,
      status: state.record.status,
      method: step ? (step.channel === 'silent' ? 'silent' : 'otp') : null,
      redirectTo:
        attempt.returnUrl === null ? null : withVerificationId(attempt.returnUrl, attempt.verificationId),
      record: state.record,
    };
  }

  private async outcomeOf(
    attempt: Attempt,
    query: { code?: string | undefined; error?: string | undefined },
  ): Promise<{ verified: boolean; reason?: string }> {
    const late = () => this.deps.clock.now() >= attempt.deadline;
    if (late()) return { verified: false, reason: 'silent_timeout' };
    if (query.error !== undefined) {
      return {
        verified: false,
        reason: oauthErrors.has(query.error) ? `silent_${query.error}` : 'silent_failed',
      };
    }
    if (query.code === undefined) return { verified: false, reason: 'silent_failed' };
    try {
      const verified = await this.deps.operator.numberVerification.exchangeAndVerify({
        code: query.code,
        redirectUri: this.deps.redirectUri(),
        codeVerifier: attempt.codeVerifier,
        // CAMARA's hashedPhoneNumber keeps the number itself away from the operator's logs.
        subject: this.deps.hashedPhone
          ? { hashedPhoneNumber: hashPhoneNumber(attempt.phone) }
          : { phoneNumber: attempt.phone },
      });
      // The operator's answer counts only if it came within the attempt's time.
      if (late()) return { verified: false, reason: 'silent_timeout' };
      return verified ? { verified: true } : { verified: false, reason: 'silent_number_mismatch' };
    } catch (error) {
      if (!(error instanceof OperatorError)) throw error;
      this.deps.logger.warn(
        { verificationId: attempt.verificationId, code: error.code, correlator: error.correlator },
        'silent verification: the operator failed',
      );
      return {
        verified: false,
        reason: error.code === 'TIMEOUT' ? 'silent_timeout' : 'silent_operator_error',
      };
    }
  }

  /** Reads and deletes the attempt in one compare-and-delete, so a `state` works once. */
  private async take(state: string): Promise<Attempt | null> {
    const key = attemptKey(state);
    const raw = await this.deps.store.get(key);
    if (raw === null || !(await this.deps.store.compareAndDelete(key, raw))) return null;
    return JSON.parse(raw) as Attempt;
  }

  /** `redirect` mode comes back to the page: only to an origin the site allows. */
  private async assertReturnUrl(siteKey: string, returnUrl: string): Promise<void> {
    const settings = await this.deps.loadSettings(siteKey);
    let origin: string | null = null;
    try {
      const url = new URL(returnUrl);
      if (url.protocol === 'https:' || url.protocol === 'http:') origin = url.origin;
    } catch {}
    if (origin === null || !settings.allowed_origins.some((pattern) => originMatches(pattern, origin))) {
      throw new ProoflineError(
        'bad_request',
        'returnUrl must be a page on one of the site’s allowed origins.',
        [{ path: 'returnUrl', code: 'origin_not_allowed', message: 'not on an allowed origin' }],
      );
    }
  }
}

function withVerificationId(returnUrl: string, verificationId: string): string {
  const url = new URL(returnUrl);
  const param = `proofline_verification=${encodeURIComponent(verificationId)}`;
  const fragment = url.hash.replace(/^#/, '');
  url.hash = fragment === '' ? param : `${fragment}&${param}`;
  return url.toString();
}
