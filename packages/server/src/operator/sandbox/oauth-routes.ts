import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createLocalJWKSet, type JWK, jwtVerify } from 'jose';
import { pkceChallenge } from '../pkce.js';
import { sleep } from './route.js';
import { grantedScopes, type SandboxDialect } from './scopes.js';
import type { SandboxState } from './state.js';

export const sandboxClientId = 'sandbox-client';
export const sandboxClientSecret = 'sandbox-secret';

/** Client-credentials tokens live an hour; number verification tokens 300 s and single use. */
const twoLeggedSeconds = 3600;
const numberVerificationSeconds = 300;

/** An OAuth2 error answer `{error, error_description}` (RFC 6749), not a CAMARA ErrorInfo. */
export class OAuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
    this.name = 'OAuthFailure';
  }
}

export type OAuthOptions = {
  dialect: SandboxDialect;
  basePath: string;
  /** Public keys accepted for `private_key_jwt` client assertions of `sandbox-client`. */
  clientKeys: JWK[];
};

/** `/oauth2/token` (client credentials, auth code with PKCE) and `/authorize` (network-based auth). */
export function registerOAuthRoutes(app: FastifyInstance, state: SandboxState, options: OAuthOptions): void {
  const keySet = options.clientKeys.length > 0 ? createLocalJWKSet({ keys: options.clientKeys }) : undefined;

  const authenticateClient = async (request: FastifyRequest, form: Record<string, string>): Promise<void> => {
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    let id: string | undefined;
    let secret: string | undefined;
    if (basic) {
      const [user, password] = Buffer.from(basic[1]!, 'base64').toString().split(':');
      id = decodeURIComponent(user ?? '');
      secret = decodeURIComponent(password ?? '');
    } else if (form.client_assertion !== undefined) {
      if (
        keySet === undefined ||
        form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
      ) {
        throw new OAuthFailure(401, 'invalid_client', 'Client assertions are not accepted for this client.');
      }
      const audience = `${request.protocol}://${request.host}${options.basePath}/oauth2/token`;
      try {
        await jwtVerify(form.client_assertion, keySet, {
          issuer: sandboxClientId,
          subject: sandboxClientId,
          audience,
          currentDate: new Date(state.clock.now()),
          maxTokenAge: 300,
        });
        return;
      } catch {
        throw new OAuthFailure(401, 'invalid_client', 'The client assertion is not valid.');
      }
    } else {
      id = form.client_id;
      secret = form.client_secret;
    }
    if (id !== sandboxClientId || secret === undefined || !sameText(secret, sandboxClientSecret)) {
      throw new OAuthFailure(401, 'invalid_client', 'Client authentication failed.');
    }
  };

  app.post('/oauth2/token', async (request, reply) => {
    if (state.latencyMs > 0) await sleep(state.latencyMs);
    const form = formOf(request.body);
    await authenticateClient(request, form);
    reply.header('cache-control', 'no-store');
    if (form.grant_type === 'client_credentials') {
      if (!form.scope) throw new OAuthFailure(400, 'invalid_request', 'scope is required.');
      const scopes = grantedScopes(form.scope, options.dialect);
      if (scopes.size === 0)
        throw new OAuthFailure(400, 'invalid_scope', 'No supported scope was requested.');
      const accessToken = state.issueToken({
        scopes,
        phone: null,
        amr: [],
        expiresAt: state.clock.now() + twoLeggedSeconds * 1000,
        singleUse: false,
      });
      return {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: twoLeggedSeconds,
        scope: form.scope,
      };
    }
    if (form.grant_type === 'authorization_code') {
      const code = form.code ? state.takeCode(form.code) : undefined;
      if (!code) throw new OAuthFailure(400, 'invalid_grant', 'The code is unknown, used or expired.');
      if (form.redirect_uri !== code.redirectUri) {
        throw new OAuthFailure(
          400,
          'invalid_grant',
          'redirect_uri does not match the authorization request.',
        );
      }
      if (!form.code_verifier || pkceChallenge(form.code_verifier) !== code.codeChallenge) {
        throw new OAuthFailure(400, 'invalid_grant', 'The PKCE code_verifier does not match.');
      }
      const accessToken = state.issueToken({
        scopes: code.scopes,
        phone: code.phone,
        amr: ['nba'],
        expiresAt: state.clock.now() + numberVerificationSeconds * 1000,
        singleUse: true,
      });
      return { access_token: accessToken, token_type: 'Bearer', expires_in: numberVerificationSeconds };
    }
    throw new OAuthFailure(400, 'unsupported_grant_type', 'Use client_credentials or authorization_code.');
  });

  app.get('/authorize', async (request, reply) => {
    if (state.latencyMs > 0) await sleep(state.latencyMs);
    const query = formOf(request.query);
    // A bad client or redirect_uri is shown, never redirected: the URI cannot be trusted (RFC 6749 4.1.2.1).
    if (query.client_id !== sandboxClientId)
      throw new OAuthFailure(400, 'invalid_request', 'Unknown client_id.');
    const redirectUri = parseRedirect(query.redirect_uri);
    const redirect = (params: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
      if (query.state !== undefined) target.searchParams.set('state', query.state);
      return reply.redirect(target.toString(), 302);
    };
    if (query.response_type !== 'code') return redirect({ error: 'unsupported_response_type' });
    if (!query.code_challenge || query.code_challenge_method !== 'S256') {
      return redirect({ error: 'invalid_request', error_description: 'PKCE with S256 is required.' });
    }
    const scopes = grantedScopes(query.scope ?? '', options.dialect);
    const numberVerification = ['number-verification:verify', 'number-verification:device-phone-number:read'];
    if (!numberVerification.some((scope) => scopes.has(scope))) return redirect({ error: 'invalid_scope' });
    // Network-based authentication: the line is whatever the simulated device is attached to.
    const phone = state.device;
    if (phone === null || !canAuthenticate(state, phone)) {
      return redirect({ error: 'access_denied', error_description: 'The user cannot be authenticated.' });
    }
    const code = state.issueCode({ phone, scopes, redirectUri, codeChallenge: query.code_challenge });
    return redirect({ code });
  });
}

function canAuthenticate(state: SandboxState, phone: string): boolean {
  try {
    return state.line(phone).line_status === 'active';
  } catch {
    return false;
  }
}

function parseRedirect(value: string | undefined): string {
  try {
    const url = new URL(value ?? '');
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {}
  throw new OAuthFailure(400, 'invalid_request', 'redirect_uri must be an absolute http(s) URL.');
}

function formOf(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(
    Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
