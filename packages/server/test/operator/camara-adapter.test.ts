import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { createCamaraOperator } from '../../src/operator/camara/index.js';
import { hashPhoneNumber } from '../../src/operator/pkce.js';
import { OperatorError } from '../../src/operator/port.js';
import { CamaraSpecs } from './openapi.js';
import { callbackUrl, type Harness, landline, mobile, startHarness } from './sandbox-harness.js';

const specs = new CamaraSpecs();
let h: Harness;

beforeAll(async () => {
  h = await startHarness(specs);
});
afterAll(() => h.close());
afterEach(async () => {
  // Every answer the adapter received fit its OpenAPI file and echoed the x-correlator.
  expect(h.problems).toEqual([]);
  await h.admin('PUT', '/faults', { status: null });
  await h.admin('PUT', '/latency', { ms: 0 });
});

async function operatorError(promise: Promise<unknown>): Promise<OperatorError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OperatorError);
  return error as OperatorError;
}

const hoursAgo = (hours: number) => new Date(h.clock.now() - hours * 3_600_000).toISOString();

describe('number verification (auth code + PKCE over network-based authentication)', () => {
  it('verifies the number of the line the device is on, by number and by hash', async () => {
    const line = mobile(1);
    await h.admin('PUT', '/device', { phone: line });

    const first = await h.authorize(h.operator, 'verification-42');
    expect(first.status).toBe(302);
    expect(first.location.origin + first.location.pathname).toBe(callbackUrl);
    expect(first.location.searchParams.get('state')).toBe('verification-42');
    const url = new URL(first.url);
    expect(url.searchParams.get('scope')).toBe(
      'openid dpv:FraudPreventionAndDetection number-verification:verify',
    );
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');

    const verified = await h.operator.numberVerification.exchangeAndVerify({
      ...first.grant,
      subject: { phoneNumber: line },
    });
    expect(verified).toBe(true);

    const other = await h.authorize(h.operator);
    const wrong = await h.operator.numberVerification.exchangeAndVerify({
      ...other.grant,
      subject: { phoneNumber: mobile(2) },
    });
    expect(wrong).toBe(false);

    const third = await h.authorize(h.operator);
    const token = await h.operator.numberVerification.exchangeCode(third.grant);
    expect(
      await h.operator.numberVerification.verify(token, {
        hashedPhoneNumber: hashPhoneNumber(line).toUpperCase(),
      }),
    ).toBe(true);
    // Number verification tokens are single-use.
    const reused = await operatorError(h.operator.numberVerification.verify(token, { phoneNumber: line }));
    expect([reused.code, reused.status]).toEqual(['UNAUTHENTICATED', 401]);
  });

  it('redirects with access_denied when the device is not on mobile data', async () => {
    await h.admin('PUT', '/device', { phone: null });
    const { status, location } = await h.authorize(h.operator, 'wifi-state');
    expect(status).toBe(302);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('wifi-state');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('refuses a code exchange with the wrong PKCE verifier, and a code used twice', async () => {
    await h.admin('PUT', '/device', { phone: mobile(3) });
    const { grant } = await h.authorize(h.operator);
    const wrong = await operatorError(
      h.operator.numberVerification.exchangeCode({ ...grant, codeVerifier: `${grant.codeVerifier}x` }),
    );
    expect([wrong.code, wrong.oauthError]).toEqual(['UNAUTHENTICATED', 'invalid_grant']);
    const again = await operatorError(h.operator.numberVerification.exchangeCode(grant));
    expect(again.oauthError).toBe('invalid_grant');
  });

  it('answers the device number, and refuses tokens not from network authentication', async () => {
    const line = mobile(4);
    const share = await h.token('number-verification:device-phone-number:read', { phone: line });
    expect(await h.operator.numberVerification.devicePhoneNumber({ accessToken: share, expiresAt: 0 })).toBe(
      line,
    );

    const noScope = await h.token('number-verification:verify', { phone: line });
    const denied = await operatorError(
      h.operator.numberVerification.devicePhoneNumber({ accessToken: noScope, expiresAt: 0 }),
    );
    expect([denied.code, denied.status]).toEqual(['PERMISSION_DENIED', 403]);

    const password = await h.token('number-verification:verify', { phone: line, amr: ['pwd'] });
    const notNetwork = await operatorError(
      h.operator.numberVerification.verify({ accessToken: password, expiresAt: 0 }, { phoneNumber: line }),
    );
    expect([notNetwork.code, notNetwork.status]).toEqual([
      'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
      403,
    ]);

    const valid = await h.token('number-verification:verify', { phone: line });
    const badHash = await operatorError(
      h.operator.numberVerification.verify(
        { accessToken: valid, expiresAt: 0 },
        { hashedPhoneNumber: 'not-hex' },
      ),
    );
    expect([badHash.code, badHash.status]).toEqual(['INVALID_ARGUMENT', 400]);
  });
});

describe('SIM swap and device swap', () => {
  it('checks a recent swap against maxAge and retrieves its date', async () => {
    const line = mobile(10);
    await h.admin('PUT', `/subscribers/${encodeURIComponent(line)}`, { sim_changed_at: hoursAgo(5) });
    expect(await h.operator.simSwap.check({ phoneNumber: line, maxAgeHours: 24 })).toBe(true);
    expect(await h.operator.simSwap.check({ phoneNumber: line, maxAgeHours: 4 })).toBe(false);
    expect(await h.operator.simSwap.check({ phoneNumber: line })).toBe(true);
    expect(await h.operator.simSwap.retrieveDate({ phoneNumber: line })).toEqual({
      latestChange: hoursAgo(5),
      monitoredPeriodDays: null,
    });
  });

  it('answers the activation date for a line never swapped, and nothing swapped', async () => {
    const line = mobile(11);
    expect(await h.operator.simSwap.check({ phoneNumber: line, maxAgeHours: 2400 })).toBe(false);
    expect(await h.operator.simSwap.retrieveDate({ phoneNumber: line })).toEqual({
      latestChange: '2020-01-01T00:00:00.000Z',
      monitoredPeriodDays: null,
    });
  });

  it('keeps to the regulatory window: maxAge beyond it is OUT_OF_RANGE, older dates are withheld', async () => {
    const line = mobile(12);
    await h.admin('PUT', `/subscribers/${line}`, {
      sim_changed_at: hoursAgo(24 * 90),
      monitored_period_days: 30,
    });
    const beyond = await operatorError(h.operator.simSwap.check({ phoneNumber: line, maxAgeHours: 24 * 31 }));
    expect([beyond.code, beyond.status]).toEqual(['OUT_OF_RANGE', 400]);
    expect(await h.operator.simSwap.retrieveDate({ phoneNumber: line })).toEqual({
      latestChange: null,
      monitoredPeriodDays: 30,
    });
  });

  it('maps maxAge out of range, unknown numbers and inapplicable lines to typed errors', async () => {
    const range = await operatorError(
      h.operator.simSwap.check({ phoneNumber: mobile(13), maxAgeHours: 2401 }),
    );
    expect([range.code, range.status]).toEqual(['OUT_OF_RANGE', 400]);
    const unknown = await operatorError(h.operator.simSwap.check({ phoneNumber: landline }));
    expect([unknown.code, unknown.status, unknown.notApplicable]).toEqual([
      'IDENTIFIER_NOT_FOUND',
      404,
      true,
    ]);
    await h.admin('PUT', `/subscribers/${mobile(14)}`, { service_applicable: false });
    const inapplicable = await operatorError(h.operator.simSwap.retrieveDate({ phoneNumber: mobile(14) }));
    expect([inapplicable.code, inapplicable.status, inapplicable.notApplicable]).toEqual([
      'SERVICE_NOT_APPLICABLE',
      422,
      true,
    ]);
  });

  it('does the same for device swaps', async () => {
    const line = mobile(15);
    await h.admin('PUT', `/subscribers/${line}`, { device_changed_at: hoursAgo(2) });
    expect(await h.operator.deviceSwap.check({ phoneNumber: line, maxAgeHours: 3 })).toBe(true);
    expect(await h.operator.deviceSwap.check({ phoneNumber: line, maxAgeHours: 1 })).toBe(false);
    expect(await h.operator.deviceSwap.retrieveDate({ phoneNumber: line })).toEqual({
      latestChange: hoursAgo(2),
      monitoredPeriodDays: null,
    });
    const range = await operatorError(h.operator.deviceSwap.check({ phoneNumber: line, maxAgeHours: 0 }));
    expect(range.code).toBe('OUT_OF_RANGE');
  });
});

describe('line subscriptions', () => {
  const sinkToken = () => ({ accessToken: 'sink-token', expiresAt: h.clock.now() + 3_600_000 });

  it('creates one subscription per CAMARA event type, reads their CloudEvents and deletes them', async () => {
    const line = mobile(40);
    const [swap] = await h.operator.subscriptions.create({
      phoneNumber: line,
      event: 'sim_swap',
      sink: 'https://proofline.test/v1/phone/monitor/mon_x/events',
      sinkToken: sinkToken(),
      expiresAt: null,
    });
    expect(swap).toEqual({ id: expect.any(String), event: 'sim_swap' });
    const reach = await h.operator.subscriptions.create({
      phoneNumber: line,
      event: 'reachability',
      sink: 'https://proofline.test/v1/phone/monitor/mon_x/events',
      sinkToken: sinkToken(),
      expiresAt: h.clock.now() + 60_000,
    });
    expect(reach.map((entry) => entry.event)).toEqual(['reachability', 'reachability', 'reachability']);

    const event = (type: string, data: Record<string, unknown>) => ({
      id: '1',
      source: 'x',
      specversion: '1.0',
      time: '2026-12-01T12:00:00.000Z',
      type: `org.camaraproject.${type}`,
      data: { subscriptionId: 's1', ...data },
    });
    const read = h.operator.subscriptions.readEvent;
    expect(read(event('sim-swap-subscriptions.v0.swapped', { phoneNumber: line }))).toEqual({
      kind: 'sim_swap',
      subscriptionId: 's1',
      time: '2026-12-01T12:00:00.000Z',
    });
    expect(
      read(
        event('device-roaming-status-subscriptions.v0.roaming-status', {
          roaming: true,
          countryCode: 208,
          countryName: ['FR'],
        }),
      ),
    ).toMatchObject({ kind: 'roaming', roaming: true, countryCode: 208, countryNames: ['FR'] });
    expect(read(event('device-reachability-status-subscriptions.v0.reachability-sms', {}))).toMatchObject({
      kind: 'reachability',
      reachable: true,
      connectivity: ['SMS'],
    });
    expect(
      read(
        event('sim-swap-subscriptions.v0.subscription-ended', { terminationReason: 'SUBSCRIPTION_EXPIRED' }),
      ),
    ).toMatchObject({ kind: 'ended', reason: 'SUBSCRIPTION_EXPIRED' });
    expect(read(event('sim-swap-subscriptions.v0.something-else', {}))).toBeNull();
    expect(read({ type: 'x' })).toBeNull();

    for (const subscription of [swap!, ...reach]) await h.operator.subscriptions.delete(subscription);
    // Already gone at the operator: not an error.
    await h.operator.subscriptions.delete(swap!);
  });

  it('maps refusals, and an operator without the subscription APIs, to typed errors', async () => {
    const refused = await operatorError(
      h.operator.subscriptions.create({
        phoneNumber: landline,
        event: 'roaming',
        sink: 'https://proofline.test/sink',
        sinkToken: sinkToken(),
        expiresAt: null,
      }),
    );
    expect([refused.code, refused.status]).toEqual(['IDENTIFIER_NOT_FOUND', 404]);
    const aggregator = h.operatorFor({ dialect: 'aggregator' });
    const unsupported = await operatorError(
      aggregator.subscriptions.create({
        phoneNumber: mobile(41),
        event: 'sim_swap',
        sink: 'https://proofline.test/sink',
        sinkToken: sinkToken(),
        expiresAt: null,
      }),
    );
    expect([unsupported.code, unsupported.status]).toEqual(['NOT_IMPLEMENTED', 501]);
  });
});

describe('number recycling', () => {
  it('says whether the number changed subscriber after the date', async () => {
    const line = mobile(20);
    await h.admin('PUT', `/subscribers/${line}`, { previous_owner_until: '2025-06-01' });
    expect(await h.operator.numberRecycling.check({ phoneNumber: line, specifiedDate: '2025-01-15' })).toBe(
      true,
    );
    expect(await h.operator.numberRecycling.check({ phoneNumber: line, specifiedDate: '2025-06-01' })).toBe(
      false,
    );
    expect(
      await h.operator.numberRecycling.check({ phoneNumber: mobile(21), specifiedDate: '2021-01-01' }),
    ).toBe(false);
  });

  it('refuses future and malformed dates', async () => {
    const future = await operatorError(
      h.operator.numberRecycling.check({ phoneNumber: mobile(20), specifiedDate: '2027-01-01' }),
    );
    expect([future.code, future.status]).toEqual(['OUT_OF_RANGE', 400]);
    const malformed = await operatorError(
      h.operator.numberRecycling.check({ phoneNumber: mobile(20), specifiedDate: '2025-13-01' }),
    );
    expect([malformed.code, malformed.status]).toEqual(['INVALID_ARGUMENT', 400]);
  });
});

describe('KYC match, tenure and age verification', () => {
  const line = mobile(30);
  beforeAll(async () => {
    await h.admin('PUT', `/subscribers/${line}`, {
      activated_at: '2021-03-01T00:00:00Z',
      prepaid: true,
      kyc: {
        given_name: 'José',
        family_name: 'García Márquez',
        birthdate: '1990-07-15',
        email: 'jose@example.com',
        id_document: 'X1234567',
      },
    });
  });

  it('matches ignoring case, accents and spaces; scores only the false ones', async () => {
    const outcome = await h.operator.kycMatch({
      phoneNumber: line,
      claims: {
        givenName: '  JOSE ',
        familyName: 'Garcia  Marquez',
        birthdate: '1990-07-16',
        email: 'jose@example.org',
        address: 'Calle Mayor 1',
      },
    });
    expect(outcome.givenName).toEqual({ match: 'true' });
    expect(outcome.familyName).toEqual({ match: 'true' });
    expect(outcome.birthdate).toEqual({ match: 'false' });
    expect(outcome.email?.match).toBe('false');
    expect(outcome.email?.score).toBeGreaterThanOrEqual(80);
    expect(outcome.email?.score).toBeLessThanOrEqual(99);
    expect(outcome.address).toEqual({ match: 'not_available' });
  });

  it('needs at least one field besides the number', async () => {
    const error = await operatorError(h.operator.kycMatch({ phoneNumber: line, claims: {} }));
    expect([error.code, error.status]).toEqual(['KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION', 400]);
  });

  it('checks tenure from activation and answers the contract type', async () => {
    expect(await h.operator.kycTenure({ phoneNumber: line, tenureDate: '2022-01-01' })).toEqual({
      tenureDateCheck: true,
      contractType: 'PAYG',
    });
    expect(
      (await h.operator.kycTenure({ phoneNumber: line, tenureDate: '2020-12-31' })).tenureDateCheck,
    ).toBe(false);
    const future = await operatorError(h.operator.kycTenure({ phoneNumber: line, tenureDate: '2030-01-01' }));
    expect(future.code).toBe('OUT_OF_RANGE');
  });

  it('verifies an age threshold from the operator records', async () => {
    const adult = await h.operator.ageVerification({
      phoneNumber: line,
      ageThreshold: 18,
      givenName: 'Jose',
      includeContentLock: true,
    });
    expect(adult).toEqual({
      ageCheck: 'true',
      verifiedStatus: true,
      identityMatchScore: 100,
      contentLock: 'false',
      parentalControl: null,
    });
    expect((await h.operator.ageVerification({ phoneNumber: line, ageThreshold: 40 })).ageCheck).toBe(
      'false',
    );
    expect((await h.operator.ageVerification({ phoneNumber: mobile(31), ageThreshold: 18 })).ageCheck).toBe(
      'not_available',
    );
    const range = await operatorError(h.operator.ageVerification({ phoneNumber: line, ageThreshold: 121 }));
    expect(range.code).toBe('OUT_OF_RANGE');
  });
});

describe('device status, call forwarding and line info', () => {
  it('reports roaming with the MCC and its countries', async () => {
    const line = mobile(40);
    await h.admin('PUT', `/subscribers/${line}`, { roaming_country: 'GP' });
    const roaming = await h.operator.roamingStatus({ phoneNumber: line });
    expect(roaming).toMatchObject({
      roaming: true,
      countryCode: 340,
      countryNames: ['BL', 'GF', 'GP', 'MF', 'MQ'],
    });
    expect(roaming.lastStatusTime).toBe(new Date(h.clock.now()).toISOString());
    expect(await h.operator.roamingStatus({ phoneNumber: mobile(41) })).toMatchObject({
      roaming: false,
      countryCode: null,
      countryNames: [],
    });
  });

  it('reports reachability by data and SMS', async () => {
    expect(await h.operator.reachabilityStatus({ phoneNumber: mobile(42) })).toMatchObject({
      reachable: true,
      connectivity: ['DATA', 'SMS'],
    });
    await h.admin('PUT', `/subscribers/${mobile(43)}`, { reachable: { data: false, sms: true } });
    expect((await h.operator.reachabilityStatus({ phoneNumber: mobile(43) })).connectivity).toEqual(['SMS']);
    await h.admin('PUT', `/subscribers/${mobile(44)}`, { line_status: 'suspended' });
    expect(await h.operator.reachabilityStatus({ phoneNumber: mobile(44) })).toMatchObject({
      reachable: false,
      connectivity: [],
    });
  });

  it('reports call forwarding', async () => {
    await h.admin('PUT', `/subscribers/${mobile(45)}`, {
      call_forwarding: ['unconditional', 'conditional_busy'],
    });
    expect(await h.operator.callForwarding.unconditional({ phoneNumber: mobile(45) })).toBe(true);
    expect(await h.operator.callForwarding.services({ phoneNumber: mobile(45) })).toEqual([
      'unconditional',
      'conditional_busy',
    ]);
    expect(await h.operator.callForwarding.unconditional({ phoneNumber: mobile(46) })).toBe(false);
    expect(await h.operator.callForwarding.services({ phoneNumber: mobile(46) })).toEqual(['inactive']);
  });

  it('answers line info with porting records', async () => {
    const line = mobile(47);
    await h.admin('PUT', `/subscribers/${line}`, {
      operator_name: 'Vodafone UK',
      network: '23415',
      prepaid: true,
      porting_history: [{ from_carrier: 'EE', to_carrier: 'Vodafone UK', ported_at: '2026-11-20' }],
    });
    expect(await h.operator.lineInfo({ phoneNumber: line })).toEqual({
      operatorName: 'Vodafone UK',
      network: '23415',
      lineType: 'mobile',
      lineStatus: 'active',
      prepaid: true,
      ported: true,
      portingHistory: [{ fromCarrier: 'EE', toCarrier: 'Vodafone UK', portedAt: '2026-11-20T00:00:00.000Z' }],
      fraudHistory: false,
    });
    const unknown = await operatorError(h.operator.lineInfo({ phoneNumber: landline }));
    expect(unknown.code).toBe('IDENTIFIER_NOT_FOUND');
  });
});

describe('transport: retries, faults, timeouts', () => {
  it('retries once on 503 and succeeds when the operator recovers', async () => {
    await h.admin('PUT', '/faults', { status: 503, count: 1 });
    const before = h.calls.filter((path) => path.endsWith('/sim-swap/v2/check')).length;
    expect(await h.operator.simSwap.check({ phoneNumber: mobile(50) })).toBe(false);
    expect(h.calls.filter((path) => path.endsWith('/sim-swap/v2/check')).length - before).toBe(2);
  });

  it('gives up after one retry with the operator code', async () => {
    await h.admin('PUT', '/faults', { status: 503 });
    const unavailable = await operatorError(h.operator.roamingStatus({ phoneNumber: mobile(51) }));
    expect([unavailable.code, unavailable.status, unavailable.transient]).toEqual(['UNAVAILABLE', 503, true]);
    await h.admin('PUT', '/faults', { status: 429 });
    const limited = await operatorError(h.operator.simSwap.check({ phoneNumber: mobile(51) }));
    expect([limited.code, limited.retryAfterSeconds]).toEqual(['TOO_MANY_REQUESTS', 1]);
    await h.admin('PUT', '/faults', { status: 501 });
    const missing = await operatorError(h.operator.callForwarding.services({ phoneNumber: mobile(51) }));
    expect(missing.code).toBe('NOT_IMPLEMENTED');
  });

  it('times out a slow operator', async () => {
    const impatient = h.operatorFor({ timeoutMs: 100 });
    await h.operator.simSwap.check({ phoneNumber: mobile(52) }); // warm the token cache
    await h.admin('PUT', '/latency', { ms: 400 });
    const timeout = await operatorError(impatient.simSwap.check({ phoneNumber: mobile(52) }));
    expect([timeout.code, timeout.status]).toEqual(['TIMEOUT', 504]);
  });

  it('reads a lazy base URL on every call (the embedded sandbox listens after wiring)', async () => {
    let base = 'http://127.0.0.1:1/sandbox/operator';
    const lazy = h.operatorFor({ baseUrl: () => base });
    expect((await operatorError(lazy.simSwap.check({ phoneNumber: mobile(54) }))).code).toBe('UNAVAILABLE');
    base = h.sandbox.baseUrl;
    expect(await lazy.simSwap.check({ phoneNumber: mobile(54) })).toBe(false);
  });

  it('reports an unreachable operator as UNAVAILABLE', async () => {
    const nowhere = createCamaraOperator(
      {
        baseUrl: 'http://127.0.0.1:1/sandbox/operator',
        clientId: 'x',
        clientAuth: { method: 'client_secret_basic', clientSecret: 'y' },
      },
      { clock: h.clock },
    );
    const error = await operatorError(nowhere.simSwap.check({ phoneNumber: mobile(53) }));
    expect(error.code).toBe('UNAVAILABLE');
  });
});

describe('OAuth2 client credentials', () => {
  it('caches one token per scope until just before expiry, with one request in flight', async () => {
    const operator = h.operatorFor();
    const tokenCalls = () => h.calls.filter((path) => path.endsWith('/oauth2/token')).length;
    const before = tokenCalls();
    await Promise.all([1, 2, 3, 4].map((n) => operator.simSwap.check({ phoneNumber: mobile(60 + n) })));
    await operator.simSwap.check({ phoneNumber: mobile(65) });
    expect(tokenCalls() - before).toBe(1);
    await operator.numberRecycling.check({ phoneNumber: mobile(65), specifiedDate: '2024-01-01' });
    expect(tokenCalls() - before).toBe(2);
    h.clock.advance(3_600_000 - 20_000); // inside the refresh margin
    await operator.simSwap.check({ phoneNumber: mobile(65) });
    expect(tokenCalls() - before).toBe(3);
  });

  it('drops a token the operator no longer accepts and fetches a new one', async () => {
    const adapterClock = new ManualClock(h.clock.now());
    const operator = h.operatorFor({}, adapterClock);
    await operator.simSwap.check({ phoneNumber: mobile(66) });
    h.clock.advance(2 * 3_600_000); // the operator's clock: the cached token has expired there
    expect(await operator.simSwap.check({ phoneNumber: mobile(66) })).toBe(false);
  });

  it('authenticates with client_secret_post, and fails typed with a wrong secret', async () => {
    const post = h.operatorFor({
      clientAuth: { method: 'client_secret_post', clientSecret: 'sandbox-secret' },
    });
    expect(await post.simSwap.check({ phoneNumber: mobile(67) })).toBe(false);
    const wrong = h.operatorFor({ clientAuth: { method: 'client_secret_basic', clientSecret: 'nope' } });
    const error = await operatorError(wrong.simSwap.check({ phoneNumber: mobile(67) }));
    expect([error.code, error.status, error.oauthError]).toEqual(['UNAUTHENTICATED', 401, 'invalid_client']);
  });
});

describe('private_key_jwt', () => {
  it('authenticates with a signed client assertion', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const keyed = await startHarness(specs, { clientKeys: [await exportJWK(publicKey)] });
    try {
      const operator = keyed.operatorFor({
        clientAuth: { method: 'private_key_jwt', alg: 'ES256', privateKey: await exportJWK(privateKey) },
      });
      expect(await operator.simSwap.check({ phoneNumber: mobile(70) })).toBe(false);
      const other = await generateKeyPair('ES256', { extractable: true });
      const impostor = keyed.operatorFor({
        clientAuth: {
          method: 'private_key_jwt',
          alg: 'ES256',
          privateKey: await exportJWK(other.privateKey),
        },
      });
      const error = await operatorError(impostor.simSwap.check({ phoneNumber: mobile(70) }));
      expect(error.oauthError).toBe('invalid_client');
    } finally {
      await keyed.close();
    }
  });
});

describe('aggregator dialect', () => {
  let agg: Harness;
  beforeAll(async () => {
    agg = await startHarness(specs, {
      dialect: 'aggregator',
      adapter: {
        dialect: 'aggregator',
        clientAuth: { method: 'client_secret_post', clientSecret: 'sandbox-secret' },
      },
    });
  });
  afterAll(() => agg.close());
  afterEach(() => expect(agg.problems).toEqual([]));

  it('runs silent verification with v0 paths and purpose#scope', async () => {
    const line = mobile(80);
    await agg.admin('PUT', '/device', { phone: line });
    const { grant, url } = await agg.authorize(agg.operator);
    expect(new URL(url).searchParams.get('scope')).toBe(
      'openid dpv:FraudPreventionAndDetection#number-verification-verify-read',
    );
    const verified = await agg.operator.numberVerification.exchangeAndVerify({
      ...grant,
      subject: { phoneNumber: line },
    });
    expect(verified).toBe(true);
    expect(agg.calls).toContain('/sandbox/operator/number-verification/v0/verify');
  });

  it('serves the 2-legged APIs and has no line info', async () => {
    const line = mobile(81);
    await agg.admin('PUT', `/subscribers/${line}`, {
      sim_changed_at: new Date(agg.clock.now() - 3_600_000).toISOString(),
      roaming_country: 'ES',
    });
    expect(await agg.operator.simSwap.check({ phoneNumber: line, maxAgeHours: 2 })).toBe(true);
    expect((await agg.operator.simSwap.retrieveDate({ phoneNumber: line })).latestChange).not.toBeNull();
    expect(await agg.operator.numberRecycling.check({ phoneNumber: line, specifiedDate: '2024-01-01' })).toBe(
      false,
    );
    expect((await agg.operator.roamingStatus({ phoneNumber: line })).countryNames).toEqual(['ES']);
    expect(
      (await agg.operator.kycMatch({ phoneNumber: line, claims: { givenName: 'Ana' } })).givenName,
    ).toEqual({
      match: 'not_available',
    });
    expect(await agg.operator.lineInfo({ phoneNumber: line })).toBeNull();
    expect(agg.calls).toContain('/sandbox/operator/sim-swap/v0/check');
  });

  it('refuses a CAMARA-dialect client: its scopes mean nothing there', async () => {
    const camaraStyle = agg.operatorFor({ dialect: 'camara' });
    const error = await operatorError(camaraStyle.simSwap.check({ phoneNumber: mobile(82) }));
    expect(error.oauthError).toBe('invalid_scope');
  });
});

it('validated every sandbox answer against its OpenAPI file', () => {
  expect(specs.validated).toBeGreaterThan(60);
});
