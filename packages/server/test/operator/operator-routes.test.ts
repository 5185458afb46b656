import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRestError } from '../../src/http/errors.js';
import { operatorRoutes } from '../../src/http/rest/operator-routes.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { demoSite, SettingsRepository, TenantDirectory } from '../../src/tenants/index.js';
import { type RestCall, restClient } from '../support/http-client.js';
import { CamaraSpecs } from './openapi.js';
import { type Harness, landline, mobile, startHarness } from './sandbox-harness.js';

const day = 86_400_000;
let h: Harness;
let app: FastifyInstance;
let call: RestCall;
let settings: SettingsRepository;

beforeAll(async () => {
  h = await startHarness(new CamaraSpecs());
  settings = new SettingsRepository(new MemoryStore(h.clock));
  app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    const answer = toRestError(error);
    return reply.status(answer.status).headers(answer.headers).send(answer.body);
  });
  await app.register(operatorRoutes, {
    clock: h.clock,
    tenants: new TenantDirectory([demoSite]),
    settings,
    operator: h.operator,
  });
  call = restClient(await app.listen({ host: '127.0.0.1', port: 0 }));
});
afterAll(async () => {
  await app.close();
  await h.close();
});

const daysAgo = (days: number) => new Date(h.clock.now() - days * day).toISOString();

describe('POST /v1/phone/sim-swap-check', () => {
  it('detects a swap within the site threshold (7 days by default)', async () => {
    const line = mobile(200);
    await h.admin('PUT', `/subscribers/${line}`, { sim_changed_at: daysAgo(2) });
    const answer = await call('POST', '/v1/phone/sim-swap-check', { phone: line.slice(1) });
    expect(answer).toEqual({
      status: 200,
      body: {
        phone: line,
        sim_swap_detected: true,
        last_sim_change: daysAgo(2).slice(0, 10),
        days_since_change: 2,
        max_age_hours: 168,
        risk_assessment: { risk_level: 'high', details: expect.stringContaining('168 hours') },
      },
    });
    const narrow = await call('POST', '/v1/phone/sim-swap-check', { phone: line, max_age_hours: 24 });
    expect(narrow.body).toMatchObject({
      sim_swap_detected: false,
      max_age_hours: 24,
      risk_assessment: { risk_level: 'low' },
    });
  });

  it('follows the site setting and refuses bad input', async () => {
    await settings.update(demoSite, { sim_swap_threshold_days: 1 });
    const line = mobile(201);
    await h.admin('PUT', `/subscribers/${line}`, { sim_changed_at: daysAgo(2) });
    expect((await call('POST', '/v1/phone/sim-swap-check', { phone: line })).body).toMatchObject({
      sim_swap_detected: false,
      max_age_hours: 24,
    });
    await settings.update(demoSite, { sim_swap_threshold_days: 7 });

    expect((await call('POST', '/v1/phone/sim-swap-check', { phone: '12' })).body.error.code).toBe(
      'invalid_phone',
    );
    expect(
      (await call('POST', '/v1/phone/sim-swap-check', { phone: line, max_age_hours: 5000 })).body.error.code,
    ).toBe('bad_request');
    expect((await call('POST', '/v1/phone/sim-swap-check', { phone: line, extra: 1 })).status).toBe(400);
    expect((await call('POST', '/v1/phone/sim-swap-check', { phone: line }, { secret: '' })).status).toBe(
      401,
    );
    const unknown = await call('POST', '/v1/phone/sim-swap-check', { phone: landline });
    expect([unknown.status, unknown.body.error.code, unknown.body.error.details.operator_code]).toEqual([
      404,
      'not_found',
      'IDENTIFIER_NOT_FOUND',
    ]);
  });

  it('answers 503 when the operator is down', async () => {
    await h.admin('PUT', '/faults', { status: 503 });
    try {
      const answer = await call('POST', '/v1/phone/sim-swap-check', { phone: mobile(202) });
      expect([answer.status, answer.body.error.code]).toEqual([503, 'service_unavailable']);
    } finally {
      await h.admin('PUT', '/faults', { status: null });
    }
  });
});

describe('POST /v1/phone/number-recycling', () => {
  it('says whether the number was reassigned since the date', async () => {
    const line = mobile(210);
    await h.admin('PUT', `/subscribers/${line}`, { previous_owner_until: '2026-06-01' });
    expect(
      (await call('POST', '/v1/phone/number-recycling', { phone: line, specified_date: '2026-01-10' })).body,
    ).toEqual({
      phone: line,
      specified_date: '2026-01-10',
      recycled: true,
    });
    expect(
      (await call('POST', '/v1/phone/number-recycling', { phone: line, specified_date: '2026-07-01' })).body
        .recycled,
    ).toBe(false);
  });

  it('refuses malformed and future dates', async () => {
    expect(
      (await call('POST', '/v1/phone/number-recycling', { phone: mobile(210), specified_date: '01/02/2026' }))
        .status,
    ).toBe(400);
    const future = await call('POST', '/v1/phone/number-recycling', {
      phone: mobile(210),
      specified_date: '2099-01-01',
    });
    expect([future.status, future.body.error.details.operator_code]).toEqual([400, 'OUT_OF_RANGE']);
  });
});

describe('POST /v1/phone/kyc-match', () => {
  const line = mobile(220);
  /** Asks about `line` with these customer attributes. */
  const kycMatch = (attributes: Record<string, string>) =>
    call('POST', '/v1/phone/kyc-match', { phone: line, ...attributes });
  beforeAll(async () => {
    await h.admin('PUT', `/subscribers/${line}`, {
      kyc: {
        given_name: 'Zoë',
        family_name: 'Smith',
        birthdate: '1985-02-03',
        address: '10 Downing Street, London',
      },
    });
  });

  it.each([
    [
      { given_name: 'ZOE', family_name: 'smith' },
      { given_name_match: 'true', family_name_match: 'true', decision: 'match' },
    ],
    [
      { given_name: 'Zoe', email: 'zoe@example.com' },
      { given_name_match: 'true', email_match: 'not_available', decision: 'partial' },
    ],
    [{ birthdate: '1985-02-04' }, { birthdate_match: 'false', decision: 'no_match' }],
    // The operator holds no data on any field sent: nothing was compared, so no partial match.
    [{ email: 'zoe@example.com' }, { email_match: 'not_available', decision: 'not_available' }],
  ])('answers %j field by field, with the default decision', async (attributes, answer) => {
    expect((await kycMatch(attributes)).body).toEqual({ phone: line, ...answer });
  });

  it('scores a near miss beside its "false"', async () => {
    const close = await kycMatch({ family_name: 'Smyth', birthdate: '1985-02-03' });
    expect(close.body).toMatchObject({
      family_name_match: 'false',
      birthdate_match: 'true',
      decision: 'partial',
    });
    expect(close.body.family_name_match_score).toBeGreaterThanOrEqual(80);
  });

  it("applies the site's kyc_policy", async () => {
    await settings.update(demoSite, { kyc_policy: { min_score: 95 } });
    const strict = await kycMatch({ family_name: 'Smyth' });
    expect(strict.body.decision).toBe('no_match');
    await settings.update(demoSite, { kyc_policy: { min_score: 80, required_fields: ['birthdate'] } });
    const required = await kycMatch({ given_name: 'Zoe', birthdate: '1985-02-03', address: 'Elsewhere' });
    expect(required.body.decision).toBe('partial');
    const missingRequired = await kycMatch({ given_name: 'Zoe' });
    expect(missingRequired.body.decision).toBe('no_match');
    await settings.update(demoSite, { kyc_policy: { min_score: 80 } });
  });

  it('needs a customer attribute and valid values', async () => {
    expect((await kycMatch({})).status).toBe(400);
    expect((await kycMatch({ email: 'not-an-email' })).status).toBe(400);
    expect((await kycMatch({ gender: 'X' })).status).toBe(400);
  });
});

describe('POST /v1/phone/roaming and GET /v1/phone/porting-history', () => {
  it('reports roaming with MCC and countries', async () => {
    const line = mobile(230);
    await h.admin('PUT', `/subscribers/${line}`, { roaming_country: 'FR' });
    expect((await call('POST', '/v1/phone/roaming', { phone: line })).body).toEqual({
      phone: line,
      roaming: true,
      country_code: 208,
      country_names: ['FR'],
      last_status_time: new Date(h.clock.now()).toISOString(),
    });
    expect((await call('POST', '/v1/phone/roaming', { phone: mobile(231) })).body).toMatchObject({
      roaming: false,
      country_code: null,
      country_names: [],
    });
  });

  it('lists ports newest first with their age and risk', async () => {
    const line = mobile(240);
    await h.admin('PUT', `/subscribers/${line}`, {
      operator_name: 'Vodafone UK',
      porting_history: [
        { from_carrier: 'O2', to_carrier: 'EE', ported_at: daysAgo(400) },
        { from_carrier: 'EE', to_carrier: 'Vodafone UK', ported_at: daysAgo(45) },
      ],
    });
    const answer = await call('GET', `/v1/phone/porting-history?phone=${encodeURIComponent(line)}`);
    expect(answer.body).toEqual({
      phone: line,
      current_carrier: 'Vodafone UK',
      porting_history: [
        { from_carrier: 'EE', to_carrier: 'Vodafone UK', ported_at: daysAgo(45).slice(0, 10), days_ago: 45 },
        { from_carrier: 'O2', to_carrier: 'EE', ported_at: daysAgo(400).slice(0, 10), days_ago: 400 },
      ],
      recently_ported: true,
      risk_factor: 'medium',
    });
    const never = await call('GET', `/v1/phone/porting-history?phone=${encodeURIComponent(mobile(241))}`);
    expect(never.body).toMatchObject({ porting_history: [], recently_ported: false, risk_factor: 'low' });
    expect((await call('GET', '/v1/phone/porting-history')).status).toBe(400);
  });
});
