import {
  type ResultTokenClaims,
  type SiteverifyErrorCode,
  SiteverifyInput,
  type SiteverifyOutput,
} from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { type Store, StoreUnavailableError } from '../store/index.js';
import type { TokenIssuer } from './keyring.js';

export type SiteverifyDeps = {
  store: Store;
  clock: Clock;
  tokens: Pick<TokenIssuer, 'verify'>;
  /** Resolves a secret key to its site (the tenants directory); null when no site has it. */
  findSiteBySecret(secret: string): { siteKey: string } | null | Promise<{ siteKey: string } | null>;
  /** Told when the store fails, since siteverify answers `internal-error` instead of throwing. */
  onStoreUnavailable?(error: StoreUnavailableError): void;
};

/**
 * How long a redemption is remembered after the token's own expiry: a site backend retrying with
 * the same `idempotency_key` within this window gets the first (successful) answer again.
 */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

const redemptionKey = (jti: string) => `siteverify:redeemed:{${jti}}`;

function failure(code: SiteverifyErrorCode): SiteverifyOutput {
  return {
    success: false,
    challenge_ts: null,
    hostname: null,
    phone: null,
    phone_verified: false,
    email: null,
    method: null,
    channel: null,
    risk_score: null,
    risk_level: null,
    action: null,
    cdata: null,
    'error-codes': [code],
  };
}

function successFrom(claims: ResultTokenClaims): SiteverifyOutput {
  return {
    success: true,
    challenge_ts: new Date(claims.iat * 1000).toISOString(),
    hostname: claims.hostname,
    phone: claims.phone,
    phone_verified: claims.phone_verified,
    email: claims.email,
    method: claims.method,
    channel: claims.channel,
    risk_score: claims.risk_score,
    risk_level: claims.risk_level,
    action: claims.action,
    cdata: claims.cdata,
    'error-codes': [],
  };
}

/**
 * Builds siteverify's input from what the HTTP layer received: the parsed body (JSON or
 * form-encoded) and the `Authorization` header. The secret may come in the body (as Turnstile
 * sends it) or as `Bearer`; both at once must agree. Answers null for a body that cannot be an
 * input, which {@link siteverify} turns into `bad-request`.
 */
export function siteverifyInputFrom(
  body: unknown,
  authorization: string | undefined,
): Record<string, unknown> | null {
  const fields = body === undefined || body === null || body === '' ? {} : body;
  if (typeof fields !== 'object' || Array.isArray(fields)) return null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (authorization !== undefined && authorization !== '' && bearer === undefined) return null;
  const input = { ...(fields as Record<string, unknown>) };
  if (bearer !== undefined) {
    if (input.secret !== undefined && input.secret !== '' && input.secret !== bearer) return null;
    input.secret = bearer;
  }
  return input;
}

/**
 * Redeems a result token for a site backend, with Cloudflare Turnstile's answers (always a
 * {@link SiteverifyOutput}, never an exception for bad input).
 *
 * Single use: the token's `jti` is claimed with one atomic set-if-absent that also records the
 * caller's `idempotency_key`; a later call finding the claim answers `timeout-or-duplicate`, unless
 * it carries the same key, in which case it gets the first success again (the answer is rebuilt
 * from the signed claims, so nothing else has to be stored). Every other first answer is a pure
 * function of the input and the clock, so repeating it repeats the answer.
 *
 * Store failure answers `internal-error` (Turnstile: "the request can be retried"), which fails
 * closed: no success is given without the redemption being recorded.
 */
export async function siteverify(input: unknown, deps: SiteverifyDeps): Promise<SiteverifyOutput> {
  const parsed = SiteverifyInput.safeParse(input);
  if (!parsed.success) return failure('bad-request');
  const { secret, response } = parsed.data;
  const idempotencyKey = parsed.data.idempotency_key || undefined;
  if (!secret) return failure('missing-input-secret');
  const site = await deps.findSiteBySecret(secret);
  if (!site) return failure('invalid-input-secret');
  if (!response) return failure('missing-input-response');

  // A token of another site fails the audience check and reads as garbage: it is not this site's.
  const check = await deps.tokens.verify(response, { audience: site.siteKey });
  if (check.status === 'invalid') return failure('invalid-input-response');

  const claim = idempotencyKey === undefined ? '-' : `key:${idempotencyKey}`;
  try {
    if (check.status === 'expired') {
      if (idempotencyKey === undefined) return failure('timeout-or-duplicate');
      const earlier = await deps.store.get(redemptionKey(check.claims.jti));
      return earlier === claim ? successFrom(check.claims) : failure('timeout-or-duplicate');
    }
    const remainingMs = Math.max(check.claims.exp * 1000 - deps.clock.now(), 0);
    const earlier = await deps.store.setIfAbsentOrGet(
      redemptionKey(check.claims.jti),
      claim,
      remainingMs + IDEMPOTENCY_WINDOW_MS,
    );
    if (earlier === null) return successFrom(check.claims);
    return idempotencyKey !== undefined && earlier === claim
      ? successFrom(check.claims)
      : failure('timeout-or-duplicate');
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    deps.onStoreUnavailable?.(error);
    return failure('internal-error');
  }
}
