import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import type { Clock } from '../../clock/index.js';
import { OperatorError, type SubjectToken } from '../port.js';
import type { ResolvedCamaraConfig } from './config.js';
import { type HttpAnswer, oauthError, send, type Transport } from './http.js';

/** Refresh this long before the operator's expiry, so a token never dies in flight. */
const expiryMarginMs = 30_000;

type CachedToken = { accessToken: string; expiresAt: number };

/**
 * The token endpoint: 2-legged client-credentials tokens cached per scope until just before expiry,
 * with at most one refresh in flight per scope, and the auth-code exchange of number verification.
 */
export class TokenClient {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();
  private signingKey: ReturnType<typeof importJWK> | undefined;

  constructor(
    private readonly config: ResolvedCamaraConfig,
    private readonly clock: Clock,
    private readonly transport: Transport,
  ) {}

  async clientCredentials(scope: string): Promise<string> {
    const cached = this.cache.get(scope);
    if (cached && this.clock.now() < cached.expiresAt - expiryMarginMs) return cached.accessToken;
    let pending = this.inFlight.get(scope);
    if (!pending) {
      pending = this.request({ grant_type: 'client_credentials', scope }, true).finally(() =>
        this.inFlight.delete(scope),
      );
      this.inFlight.set(scope, pending);
    }
    const token = await pending;
    this.cache.set(scope, token);
    return token.accessToken;
  }

  /** Forget a token the operator refused (revoked before its expiry). */
  invalidate(scope: string): void {
    this.cache.delete(scope);
  }

  async exchangeCode(input: {
    code: string;
    redirectUri: string;
    codeVerifier: string;
  }): Promise<SubjectToken> {
    // No retry: a code is single-use, a retried exchange could only fail with invalid_grant.
    return this.request(
      {
        grant_type: 'authorization_code',
        code: input.code,
        redirect_uri: input.redirectUri,
        code_verifier: input.codeVerifier,
      },
      false,
    );
  }

  private async request(params: Record<string, string>, retry: boolean): Promise<CachedToken> {
    const form = new URLSearchParams(params);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const auth = this.config.clientAuth;
    if (auth.method === 'client_secret_basic') {
      const user = `${encodeURIComponent(this.config.clientId)}:${encodeURIComponent(auth.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
    } else if (auth.method === 'client_secret_post') {
      form.set('client_id', this.config.clientId);
      form.set('client_secret', auth.clientSecret);
    } else {
      form.set('client_id', this.config.clientId);
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', await this.clientAssertion());
    }
    const answer = await send(
      this.config.tokenUrl,
      { method: 'POST', headers, body: form.toString() },
      {
        transport: this.transport,
        timeoutMs: this.config.timeoutMs,
        retryBackoffMs: retry ? this.config.retryBackoffMs : undefined,
      },
    );
    if (answer.status !== 200) throw oauthError(answer);
    return this.readToken(answer);
  }

  private readToken(answer: HttpAnswer): CachedToken {
    const body = answer.body as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (typeof body?.access_token !== 'string' || body.access_token === '') {
      throw new OperatorError('BAD_GATEWAY', 502, 'The token endpoint answered without an access_token.', {
        correlator: answer.correlator,
      });
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 300;
    return { accessToken: body.access_token, expiresAt: this.clock.now() + expiresIn * 1000 };
  }

  /** RFC 7523 assertion: lifetime ≤ 300 s and `aud` the token endpoint, as the CAMARA profile asks. */
  private async clientAssertion(): Promise<string> {
    const auth = this.config.clientAuth;
    if (auth.method !== 'private_key_jwt') throw new Error('not a private_key_jwt client');
    this.signingKey ??= importJWK(auth.privateKey, auth.alg);
    const key = await this.signingKey;
    const now = Math.floor(this.clock.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: auth.alg, ...(auth.kid ? { kid: auth.kid } : {}) })
      .setIssuer(this.config.clientId)
      .setSubject(this.config.clientId)
      .setAudience(this.config.tokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti(randomUUID())
      .sign(key);
  }
}
