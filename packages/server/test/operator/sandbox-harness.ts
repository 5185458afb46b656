import { ManualClock } from '../../src/clock/index.js';
import { type CamaraOperatorConfig, createCamaraOperator } from '../../src/operator/camara/index.js';
import { createPkcePair } from '../../src/operator/pkce.js';
import type { Operator } from '../../src/operator/port.js';
import {
  type SandboxDialect,
  sandboxClientId,
  sandboxClientSecret,
  startSandboxOperator,
} from '../../src/operator/sandbox/index.js';
import { type CamaraSpecs, checkingFetch } from './openapi.js';

export const callbackUrl = 'https://proofline.test/v1/silent/callback';

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** A sandbox operator on a free port, an adapter pointed at it, and helpers to script and probe it. */
export async function startHarness(
  specs: CamaraSpecs,
  options: {
    dialect?: SandboxDialect;
    adapter?: Partial<CamaraOperatorConfig>;
    clientKeys?: import('jose').JWK[];
    sinkFetch?: typeof fetch;
  } = {},
) {
  const clock = new ManualClock();
  const sandbox = await startSandboxOperator({
    clock,
    ...(options.sinkFetch ? { sinkFetch: options.sinkFetch } : {}),
    ...(options.dialect ? { dialect: options.dialect } : {}),
    ...(options.clientKeys ? { clientKeys: options.clientKeys } : {}),
  });
  const checking = checkingFetch(specs);
  const operatorFor = (config: Partial<CamaraOperatorConfig> = {}, adapterClock = clock): Operator =>
    createCamaraOperator(
      {
        baseUrl: sandbox.baseUrl,
        clientId: sandboxClientId,
        clientAuth: { method: 'client_secret_basic', clientSecret: sandboxClientSecret },
        retryBackoffMs: 5,
        ...options.adapter,
        ...config,
      },
      { clock: adapterClock, fetch: checking.fetch },
    );

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };

  /** A raw CAMARA call (for requests the adapter never makes), checked against the spec too. */
  const camara = async (
    path: string,
    body: unknown,
    init: { token?: string; headers?: Record<string, string>; method?: string; rawBody?: string } = {},
  ) => {
    const url = `${sandbox.baseUrl}${path}`;
    const method = init.method ?? 'POST';
    const response = await fetch(url, {
      method,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(method === 'POST' ? { body: init.rawBody ?? JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const parsed = text === '' ? undefined : JSON.parse(text);
    specs.check(url, method, response.status, parsed);
    return { status: response.status, body: parsed, headers: response.headers };
  };

  const token = async (
    scope: string,
    extra: { phone?: string; expires_in?: number; amr?: string[] } = {},
  ) => {
    const answer = await admin('POST', '/admin/tokens', { scope, expires_in: 600, ...extra });
    return answer.body.access_token as string;
  };

  /** The browser's step: open the authorize URL and read where the operator redirects. */
  const authorize = async (operator: Operator, state = 'state-1') => {
    const pkce = createPkcePair();
    const url = operator.numberVerification.authorizeUrl({
      redirectUri: callbackUrl,
      state,
      codeChallenge: pkce.challenge,
    });
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? 'about:blank');
    /** What the callback hands to the token exchange (the code is empty when the operator refused). */
    const grant = {
      code: location.searchParams.get('code') ?? '',
      redirectUri: callbackUrl,
      codeVerifier: pkce.verifier,
    };
    return { status: response.status, location, pkce, url, grant };
  };

  return {
    clock,
    sandbox,
    operator: operatorFor(),
    operatorFor,
    calls: checking.calls,
    problems: checking.problems,
    admin,
    camara,
    token,
    authorize,
    close: () => sandbox.close(),
  };
}

/** Numbers libphonenumber types as mobile (GB 7400 range): vary the tail for independent tests. */
export const mobile = (tail: number) => `+4474001${String(tail).padStart(5, '0')}`;
export const landline = '+441212345678';
