import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { sandboxOperatorPlugin } from '../../src/operator/sandbox/index.js';
import { CamaraSpecs } from './openapi.js';
import { type Harness, landline, mobile, startHarness } from './sandbox-harness.js';

const specs = new CamaraSpecs();
let h: Harness;
beforeAll(async () => {
  h = await startHarness(specs);
});
afterAll(() => h.close());

const basic = `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`;

describe('admin API', () => {
  it('upserts, reads and deletes subscribers by %2B, raw + or bare digits', async () => {
    const line = mobile(100);
    const put = await h.admin('PUT', `/subscribers/%2B${line.slice(1)}`, {
      operator_name: 'EE',
      network: '23430',
      prepaid: true,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      phone: line,
      upserted: true,
      operator_name: 'EE',
      network: '23430',
      prepaid: true,
    });
    expect((await h.admin('GET', `/subscribers/${line}`)).body).toMatchObject({
      phone: line,
      operator_name: 'EE',
    });
    expect((await h.admin('GET', `/subscribers/${line.slice(1)}`)).body.upserted).toBe(true);
    expect((await h.admin('DELETE', `/subscribers/${line}`)).status).toBe(204);
    expect((await h.admin('DELETE', `/subscribers/${line}`)).status).toBe(404);
  });

  it('shows the default line for a never-upserted mobile, and knows no landline', async () => {
    expect((await h.admin('GET', `/subscribers/${mobile(101)}`)).body).toMatchObject({
      upserted: false,
      line_type: 'mobile',
      line_status: 'active',
      prepaid: false,
      sim_changed_at: null,
      porting_history: [],
      previous_owner_until: null,
      network: '00101',
    });
    expect((await h.admin('GET', `/subscribers/${landline}`)).body).toMatchObject({
      status: 404,
      code: 'IDENTIFIER_NOT_FOUND',
    });
  });

  it('refuses unknown fields, bad networks and non-numbers with INVALID_ARGUMENT', async () => {
    for (const [path, body] of [
      [`/subscribers/${mobile(102)}`, { colour: 'red' }],
      [`/subscribers/${mobile(102)}`, { network: 'EE' }],
      [`/subscribers/${mobile(102)}`, { reachable: 'yes' }],
      ['/subscribers/not-a-number', {}],
      ['/device', { phone: 'nope' }],
      ['/faults', { status: 500 }],
      ['/latency', { ms: -1 }],
    ] as const) {
      const answer = await h.admin('PUT', path, body);
      expect([answer.status, answer.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    }
  });
});

describe('CAMARA request rules', () => {
  it('answers 401 without, with an unknown and with an expired token', async () => {
    const body = { phoneNumber: mobile(110) };
    expect((await h.camara('/sim-swap/v2/check', body)).body).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: expect.any(String),
    });
    expect((await h.camara('/sim-swap/v2/check', body, { token: 'forged' })).status).toBe(401);
    const expired = await h.token('sim-swap:check', { expires_in: -1 });
    expect((await h.camara('/sim-swap/v2/check', body, { token: expired })).status).toBe(401);
  });

  it('answers 403 PERMISSION_DENIED without the scope; the API-level scope covers both operations', async () => {
    const wrong = await h.token('number-recycling:check');
    expect(
      (await h.camara('/sim-swap/v2/check', { phoneNumber: mobile(111) }, { token: wrong })).body.code,
    ).toBe('PERMISSION_DENIED');
    const apiLevel = await h.token('sim-swap');
    expect(
      (await h.camara('/sim-swap/v2/check', { phoneNumber: mobile(111) }, { token: apiLevel })).status,
    ).toBe(200);
    expect(
      (await h.camara('/sim-swap/v2/retrieve-date', { phoneNumber: mobile(111) }, { token: apiLevel }))
        .status,
    ).toBe(200);
  });

  it('enforces the 2-legged / 3-legged identifier rules', async () => {
    const twoLegged = await h.token('sim-swap kyc-match:match device-roaming-status:read');
    const missing = await h.camara('/sim-swap/v2/check', {}, { token: twoLegged });
    expect([missing.status, missing.body.code]).toEqual([422, 'MISSING_IDENTIFIER']);

    const threeLegged = await h.token('sim-swap kyc-match:match device-roaming-status:read', {
      phone: mobile(112),
    });
    const unnecessary = await h.camara(
      '/sim-swap/v2/check',
      { phoneNumber: mobile(112) },
      { token: threeLegged },
    );
    expect([unnecessary.status, unnecessary.body.code]).toEqual([422, 'UNNECESSARY_IDENTIFIER']);
    expect((await h.camara('/sim-swap/v2/check', {}, { token: threeLegged })).body).toEqual({
      swapped: false,
    });

    // KYC Match alone allows the token's own number, and answers 403 for another one.
    const same = await h.camara(
      '/kyc-match/v0.4/match',
      { phoneNumber: mobile(112), givenName: 'A' },
      { token: threeLegged },
    );
    expect(same.status).toBe(200);
    const other = await h.camara(
      '/kyc-match/v0.4/match',
      { phoneNumber: mobile(113), givenName: 'A' },
      { token: threeLegged },
    );
    expect([other.status, other.body.code]).toEqual([403, 'INVALID_TOKEN_CONTEXT']);
    const missingKyc = await h.camara('/kyc-match/v0.4/match', { givenName: 'A' }, { token: twoLegged });
    expect(missingKyc.body.code).toBe('MISSING_IDENTIFIER');

    // Device APIs: the sandbox identifies devices by number only.
    const unsupported = await h.camara(
      '/device-roaming-status/v1/retrieve',
      { device: { ipv6Address: '2001:db8::1' } },
      { token: twoLegged },
    );
    expect([unsupported.status, unsupported.body.code]).toEqual([422, 'UNSUPPORTED_IDENTIFIER']);
    const echoed = await h.camara(
      '/device-roaming-status/v1/retrieve',
      { device: { phoneNumber: mobile(114) } },
      { token: twoLegged },
    );
    expect(echoed.body).toMatchObject({ device: { phoneNumber: mobile(114) }, roaming: false });
    const fromToken = await h.camara('/device-roaming-status/v1/retrieve', {}, { token: threeLegged });
    expect(fromToken.body).not.toHaveProperty('device');
    const both = await h.camara(
      '/device-roaming-status/v1/retrieve',
      { device: { phoneNumber: mobile(112) } },
      { token: threeLegged },
    );
    expect(both.body.code).toBe('UNNECESSARY_IDENTIFIER');
  });

  it('answers INVALID_ARGUMENT for ill-typed and malformed bodies', async () => {
    const token = await h.token('sim-swap number-verification:verify', { phone: mobile(115) });
    const twoLegged = await h.token('sim-swap device-roaming-status:read');
    const cases: [string, unknown, string?][] = [
      ['/sim-swap/v2/check', { phoneNumber: mobile(115), maxAge: 'abc' }],
      ['/sim-swap/v2/check', { phoneNumber: '447400100115' }],
      ['/sim-swap/v2/check', undefined, '{"phoneNumber": '],
      ['/number-verification/v2/verify', {}],
      ['/number-verification/v2/verify', { phoneNumber: mobile(115), hashedPhoneNumber: 'a'.repeat(64) }],
      ['/number-verification/v2/verify', { phone: mobile(115) }],
      ['/device-roaming-status/v1/retrieve', { device: {} }],
      ['/device-roaming-status/v1/retrieve', { device: { ipv4Address: { publicAddress: '84.125.93.10' } } }],
    ];
    for (const [path, body, rawBody] of cases) {
      const useToken = path.startsWith('/device') || body === undefined ? twoLegged : token;
      const answer = await h.camara(path, body, { token: useToken, ...(rawBody ? { rawBody } : {}) });
      expect([path, answer.status, answer.body.code]).toEqual([path, 400, 'INVALID_ARGUMENT']);
    }
  });

  it('echoes x-correlator on success and errors, and refuses a malformed one', async () => {
    const token = await h.token('sim-swap');
    const ok = await h.camara(
      '/sim-swap/v2/check',
      { phoneNumber: mobile(116) },
      { token, headers: { 'x-correlator': 'abc-123' } },
    );
    expect(ok.headers.get('x-correlator')).toBe('abc-123');
    const refused = await h.camara('/sim-swap/v2/check', {}, { headers: { 'x-correlator': 'corr-401' } });
    expect([refused.status, refused.headers.get('x-correlator')]).toEqual([401, 'corr-401']);
    const malformed = await h.camara(
      '/sim-swap/v2/check',
      { phoneNumber: mobile(116) },
      { token, headers: { 'x-correlator': 'bad value!' } },
    );
    expect([malformed.status, malformed.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect(malformed.headers.get('x-correlator')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a CAMARA 404', async () => {
    const response = await fetch(`${h.sandbox.baseUrl}/sim-swap/v9/check`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('answers the CAMARA test definitions expect', () => {
  it('Device Swap: 422 SERVICE_NOT_APPLICABLE for a SIM never connected, on check and retrieve-date', async () => {
    const line = mobile(120);
    await h.admin('PUT', `/subscribers/${line}`, { activated_at: null });
    const token = await h.token('device-swap sim-swap');
    for (const path of ['/device-swap/v1/check', '/device-swap/v1/retrieve-date']) {
      const answer = await h.camara(path, { phoneNumber: line }, { token });
      expect([path, answer.status, answer.body.code]).toEqual([path, 422, 'SERVICE_NOT_APPLICABLE']);
    }
    // SIM Swap keeps answering for it: a null activation date, nothing swapped.
    expect((await h.camara('/sim-swap/v2/retrieve-date', { phoneNumber: line }, { token })).body).toEqual({
      latestSimChange: null,
    });
    const connected = mobile(121);
    await h.admin('PUT', `/subscribers/${connected}`, { activated_at: '2024-05-01T00:00:00Z' });
    expect((await h.camara('/device-swap/v1/check', { phoneNumber: connected }, { token })).body).toEqual({
      swapped: false,
    });
  });

  it('KYC Match: an empty body is INVALID_ARGUMENT, a number alone INVALID_PARAM_COMBINATION', async () => {
    const twoLegged = await h.token('kyc-match:match');
    const threeLegged = await h.token('kyc-match:match', { phone: mobile(122) });
    for (const token of [twoLegged, threeLegged]) {
      const empty = await h.camara('/kyc-match/v0.4/match', {}, { token });
      expect([empty.status, empty.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    }
    const numberOnly = await h.camara(
      '/kyc-match/v0.4/match',
      { phoneNumber: mobile(122) },
      { token: twoLegged },
    );
    expect([numberOnly.status, numberOnly.body.code]).toEqual([
      400,
      'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION',
    ]);
  });
});

describe('OAuth2 endpoints', () => {
  const token = (form: Record<string, string>, headers: Record<string, string> = { authorization: basic }) =>
    fetch(`${h.sandbox.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });

  it('answers RFC 6749 errors', async () => {
    expect(await (await token({ grant_type: 'client_credentials' })).json()).toMatchObject({
      error: 'invalid_request',
    });
    expect(await (await token({ grant_type: 'client_credentials', scope: 'openid' })).json()).toMatchObject({
      error: 'invalid_scope',
    });
    expect(await (await token({ grant_type: 'password' })).json()).toMatchObject({
      error: 'unsupported_grant_type',
    });
    const anonymous = await token({ grant_type: 'client_credentials', scope: 'sim-swap' }, {});
    expect([anonymous.status, ((await anonymous.json()) as { error: string }).error]).toEqual([
      401,
      'invalid_client',
    ]);
    const granted = await token({ grant_type: 'client_credentials', scope: 'sim-swap:check unknown:scope' });
    expect(await granted.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
  });

  it('shows authorize errors it cannot redirect, and redirects the others', async () => {
    const authorize = (params: Record<string, string>) =>
      fetch(`${h.sandbox.baseUrl}/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
    const base = {
      response_type: 'code',
      client_id: 'sandbox-client',
      redirect_uri: 'https://site.test/cb',
      scope: 'openid dpv:FraudPreventionAndDetection number-verification:verify',
      state: 's1',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    };
    const unknownClient = await authorize({ ...base, client_id: 'other' });
    expect([unknownClient.status, ((await unknownClient.json()) as { error: string }).error]).toEqual([
      400,
      'invalid_request',
    ]);
    const badRedirect = await authorize({ ...base, redirect_uri: 'javascript:alert(1)' });
    expect(badRedirect.status).toBe(400);

    const errorOf = async (params: Record<string, string>) => {
      const response = await authorize(params);
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(location.searchParams.get('state')).toBe('s1');
      return location.searchParams.get('error');
    };
    const { code_challenge: _challenge, ...withoutPkce } = base;
    expect(await errorOf(withoutPkce)).toBe('invalid_request');
    expect(await errorOf({ ...base, code_challenge_method: 'plain' })).toBe('invalid_request');
    expect(await errorOf({ ...base, scope: 'openid sim-swap' })).toBe('invalid_scope');
    expect(await errorOf({ ...base, response_type: 'token' })).toBe('unsupported_response_type');
    await h.admin('PUT', '/device', { phone: landline });
    expect(await errorOf(base)).toBe('access_denied');
  });
});

describe('as a plugin inside another server', () => {
  it('mounts at /sandbox/operator beside a form parser the host registered', async () => {
    const host = Fastify();
    await host.register(formbody);
    await host.register(sandboxOperatorPlugin, { clock: new ManualClock() });
    host.get('/healthz', async () => ({ ok: true }));
    const address = await host.listen({ host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`${address}/sandbox/operator/oauth2/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=sim-swap',
      });
      expect(response.status).toBe(200);
      // The sandbox's error handler stays inside its prefix.
      expect((await fetch(`${address}/nowhere`)).status).toBe(404);
      expect(await (await fetch(`${address}/healthz`)).json()).toEqual({ ok: true });
    } finally {
      await host.close();
    }
  });
});
