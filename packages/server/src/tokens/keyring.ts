import { randomUUID } from 'node:crypto';
import { ResultTokenClaims } from '@proofline/shared';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Clock } from '../clock/index.js';

type SigningAlgorithm = 'ES256' | 'EdDSA';

/** Result tokens live 300 s, as Turnstile tokens do (docs/design.md: "A token is valid 300 s"). */
const RESULT_TOKEN_LIFETIME_SECONDS = 300;

/** Explicit typing (RFC 8725 §3.11): a result token cannot be mistaken for any other JWT. */
const RESULT_TOKEN_TYPE = 'proofline-result+jwt';

/** What the verification flow knows at approval; the issuer adds iss, iat, exp and jti. */
export type ResultTokenInput = Omit<ResultTokenClaims, 'iss' | 'iat' | 'exp' | 'jti'>;

/**
 * The outcome of checking a token. `expired` still carries the claims (the signature was checked
 * first), so siteverify can answer an idempotent retry of a redemption made in time.
 */
export type TokenCheck =
  | { status: 'valid'; claims: ResultTokenClaims }
  | { status: 'expired'; claims: ResultTokenClaims }
  | { status: 'invalid' };

type RingKey = { kid: string; alg: SigningAlgorithm; privateKey: CryptoKey; publicJwk: JWK };

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

/**
 * Reads `SIGNING_KEY`: one private JWK, a JSON array of them, or a JWKS `{keys: [...]}`, newest
 * first. The first key signs; the others only verify, so tokens issued before a rotation stay valid.
 */
export function parseSigningKeys(text: string): JWK[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SigningKeyError('SIGNING_KEY is not JSON');
  }
  const list = Array.isArray(parsed)
    ? parsed
    : parsed !== null && typeof parsed === 'object' && Array.isArray((parsed as { keys?: unknown }).keys)
      ? (parsed as { keys: unknown[] }).keys
      : [parsed];
  if (list.length === 0) throw new SigningKeyError('SIGNING_KEY holds no key');
  return list.map((key, index) => {
    if (key === null || typeof key !== 'object' || typeof (key as JWK).d !== 'string') {
      throw new SigningKeyError(`SIGNING_KEY key ${index} is not a private JWK`);
    }
    return key as JWK;
  });
}

function algorithmOf(jwk: JWK): SigningAlgorithm {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && (jwk.alg === undefined || jwk.alg === 'ES256'))
    return 'ES256';
  if (
    jwk.kty === 'OKP' &&
    jwk.crv === 'Ed25519' &&
    (jwk.alg === undefined || jwk.alg === 'EdDSA' || jwk.alg === 'Ed25519')
  ) {
    return 'EdDSA';
  }
  throw new SigningKeyError('signing keys must be ES256 (EC P-256) or EdDSA (OKP Ed25519)');
}

async function ringKeyFromJwk(jwk: JWK): Promise<RingKey> {
  const alg = algorithmOf(jwk);
  const publicMembers: JWK =
    jwk.kty === 'EC'
      ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
      : { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicMembers));
  let privateKey: CryptoKey;
  try {
    privateKey = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
  } catch (error) {
    throw new SigningKeyError(`signing key ${kid} cannot be imported: ${(error as Error).message}`);
  }
  return { kid, alg, privateKey, publicJwk: { ...publicMembers, kid, alg, use: 'sig' } };
}

async function generatedRingKey(alg: SigningAlgorithm): Promise<RingKey> {
  const pair = await generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  const publicMembers = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(publicMembers);
  return { kid, alg, privateKey: pair.privateKey, publicJwk: { ...publicMembers, kid, alg, use: 'sig' } };
}

export type TokenIssuerOptions = {
  /** `iss` of every token; the server's public URL in production. */
  issuer: string;
  clock: Clock;
  /** Private JWKs, newest first (see {@link parseSigningKeys}); absent: one key generated now (dev). */
  signingKeys?: readonly JWK[];
  /** Algorithm of the generated key. */
  generate?: SigningAlgorithm;
  lifetimeSeconds?: number;
};

/**
 * The key ring that signs result tokens and publishes their public keys. Every key of the ring is
 * served at `/.well-known/jwks.json` and accepted by {@link TokenIssuer.verify}; only the first signs.
 */
export class TokenIssuer {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  private constructor(
    private readonly keys: readonly RingKey[],
    private readonly issuer: string,
    private readonly clock: Clock,
    readonly lifetimeSeconds: number,
  ) {
    this.keySet = createLocalJWKSet(this.publicJwks());
  }

  static async create(options: TokenIssuerOptions): Promise<TokenIssuer> {
    const lifetime = options.lifetimeSeconds ?? RESULT_TOKEN_LIFETIME_SECONDS;
    if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > RESULT_TOKEN_LIFETIME_SECONDS) {
      throw new SigningKeyError(`token lifetime must be 1–${RESULT_TOKEN_LIFETIME_SECONDS} s`);
    }
    const keys =
      options.signingKeys && options.signingKeys.length > 0
        ? await Promise.all(options.signingKeys.map(ringKeyFromJwk))
        : [await generatedRingKey(options.generate ?? 'ES256')];
    if (new Set(keys.map((key) => key.kid)).size !== keys.length) {
      throw new SigningKeyError('two signing keys share one kid');
    }
    return new TokenIssuer(keys, options.issuer, options.clock, lifetime);
  }

  /** The kid that signs new tokens. */
  get currentKid(): string {
    return this.keys[0]!.kid;
  }

  /** The JWKS document: public parts only, every key of the ring. */
  publicJwks(): { keys: JWK[] } {
    return { keys: this.keys.map((key) => ({ ...key.publicJwk })) };
  }

  /** Signs a result token; iat and exp come from the clock port, jti is a fresh UUID. */
  async issue(claims: ResultTokenInput): Promise<string> {
    const signer = this.keys[0]!;
    const issuedAt = Math.floor(this.clock.now() / 1000);
    const { aud, sub, ...rest } = ResultTokenClaims.omit({
      iss: true,
      iat: true,
      exp: true,
      jti: true,
    }).parse(claims);
    return new SignJWT(rest)
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: RESULT_TOKEN_TYPE })
      .setIssuer(this.issuer)
      .setAudience(aud)
      .setSubject(sub)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.lifetimeSeconds)
      .sign(signer.privateKey);
  }

  /**
   * Checks signature, algorithm, type, issuer and (when given) audience against the clock's time.
   * Any failure other than expiry is `invalid`: callers never learn which check failed.
   */
  async verify(token: string, options: { audience?: string } = {}): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.keySet, {
        algorithms: ['ES256', 'EdDSA'],
        typ: RESULT_TOKEN_TYPE,
        issuer: this.issuer,
        audience: options.audience,
        currentDate: new Date(this.clock.now()),
      });
      const claims = ResultTokenClaims.safeParse(payload);
      return claims.success ? { status: 'valid', claims: claims.data } : { status: 'invalid' };
    } catch (error) {
      if (error instanceof errors.JWTExpired && error.claim === 'exp') {
        const claims = ResultTokenClaims.safeParse(error.payload);
        if (claims.success) return { status: 'expired', claims: claims.data };
      }
      if (error instanceof errors.JOSEError || error instanceof TypeError) return { status: 'invalid' };
      throw error;
    }
  }
}
