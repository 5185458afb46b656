import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import type { RunningProofline } from '../../src/index.js';
import { type RunningSandboxOperator, startSandboxOperator } from '../../src/operator/sandbox/index.js';
import { otpClient, RELAXED_FRAUD_POLICY, uniqueMobile } from '../http/otp-client.js';
import { startTestServer } from '../support/server.js';

/**
 * A deployment configured for a remote operator by environment only: the sandbox run on its own
 * port in the aggregator dialect (v0 paths, `dpv:…#` scopes, `client_secret_post`), and the
 * embedded sandbox turned off.
 */
let operator: RunningSandboxOperator;
let server: RunningProofline;

beforeAll(async () => {
  operator = await startSandboxOperator({ dialect: 'aggregator' });
  server = await startTestServer({
    env: {
      ENABLE_SANDBOX: 'false',
      FRAUD_POLICY: RELAXED_FRAUD_POLICY,
      OPERATOR_BASE_URL: operator.baseUrl,
      OPERATOR_CLIENT_ID: 'sandbox-client',
      OPERATOR_CLIENT_SECRET: 'sandbox-secret',
      OPERATOR_CLIENT_AUTH: 'client_secret_post',
      OPERATOR_DIALECT: 'aggregator',
    },
  });
});
afterAll(async () => {
  await server.close();
  await operator.close();
});

const admin = (path: string, body: unknown) =>
  fetch(`${operator.baseUrl}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('OPERATOR_* configuration', () => {
  it('runs the silent flow through the configured operator, not an embedded one', async () => {
    const client = otpClient(server.url);
    expect((await fetch(`${server.url}/sandbox/operator/device`)).status).toBe(404);
    const phone = uniqueMobile();
    expect((await admin('/device', { phone })).status).toBe(200);
    const started = await client.trpc('mutation', 'verification.start', {
      siteKey: 'pk_test_demo',
      phone,
      connection: 'cellular',
    });
    const authUrl = new URL(started.data.silent!.authUrl);
    expect(authUrl.origin + authUrl.pathname).toBe(`${operator.baseUrl}/authorize`);
    expect(authUrl.searchParams.get('scope')).toBe(
      'openid dpv:FraudPreventionAndDetection#number-verification-verify-read',
    );
    const callback = await fetch(authUrl, { redirect: 'manual' }).then((response) =>
      fetch(response.headers.get('location')!),
    );
    expect(await callback.json()).toMatchObject({ status: 'approved', method: 'silent' });
    const polled = await client.trpc('query', 'verification.get', {
      siteKey: 'pk_test_demo',
      verificationId: started.data.verificationId,
    });
    expect(polled.data).toMatchObject({ status: 'approved', method: 'silent' });
    expect(await client.inbox(phone)).toEqual([]);
  });

  it('serves operator checks and lookups from it', async () => {
    const client = otpClient(server.url);
    const phone = uniqueMobile();
    const swap = await client.rest('POST', '/v1/phone/sim-swap-check', { phone });
    expect(swap.body).toMatchObject({ phone, sim_swap_detected: false });
    // The aggregator dialect sells no line info: lookups fall back to prefix data.
    const lookup = await client.rest('POST', '/v1/phone/lookup', { phone });
    expect(lookup.body).toMatchObject({ phone, type: 'mobile', source: 'prefix_data' });
  });

  it('refuses an incomplete operator configuration at start-up, naming the variable', () => {
    const base = { OPERATOR_BASE_URL: 'https://operator.example' };
    expect(() => loadConfig(base)).toThrow(
      new ConfigError('missing OPERATOR_CLIENT_ID: required with OPERATOR_BASE_URL'),
    );
    expect(() => loadConfig({ ...base, OPERATOR_CLIENT_ID: 'id' })).toThrow(/missing OPERATOR_CLIENT_SECRET/);
    expect(() =>
      loadConfig({ ...base, OPERATOR_CLIENT_ID: 'id', OPERATOR_CLIENT_AUTH: 'private_key_jwt' }),
    ).toThrow(/missing OPERATOR_PRIVATE_KEY/);
    expect(() =>
      loadConfig({
        ...base,
        OPERATOR_CLIENT_ID: 'id',
        OPERATOR_CLIENT_SECRET: 's',
        OPERATOR_PATHS: '{"nope":"x"}',
      }),
    ).toThrow(/invalid OPERATOR_PATHS/);
    const paths = loadConfig({
      ...base,
      OPERATOR_CLIENT_ID: 'id',
      OPERATOR_CLIENT_SECRET: 's',
      OPERATOR_PATHS: '{"numberVerification":"number-verification/v0","lineInfo":null}',
    });
    expect(paths.OPERATOR_PATHS).toEqual({ numberVerification: 'number-verification/v0', lineInfo: null });
  });
});
