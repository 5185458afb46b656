import { CaseList, RuleList } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CasesRepository } from '../../src/rules/index.js';
import { recentSimSwap, voipNeedsOtp } from '../rules-flow/sample-rules.js';
import { type RestCall, restClient } from '../support/http-client.js';
import { startTestServer } from '../support/server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let call: RestCall;

beforeAll(async () => {
  server = await startTestServer({ redis: true });
  call = restClient(server.url);
});
afterAll(async () => {
  await server.close();
});

const voipRule = voipNeedsOtp;
const simSwapRule = recentSimSwap('verification_started', 'sim_swap');

describe('/v1/workflows/rules', () => {
  it('creates (201), lists, replaces by rule_id (200) and deletes rules', async () => {
    expect(await call('GET', '/v1/workflows/rules')).toEqual({ status: 200, body: { rules: [] } });
    expect(await call('POST', '/v1/workflows/rules', voipRule)).toEqual({
      status: 201,
      body: { ...voipRule, enabled: true },
    });
    expect((await call('POST', '/v1/workflows/rules', simSwapRule)).status).toBe(201);
    const replaced = { ...voipRule, actions: [{ type: 'block', reason: 'No VoIP numbers' }] };
    expect(await call('POST', '/v1/workflows/rules', replaced)).toEqual({
      status: 200,
      body: { ...replaced, enabled: true },
    });
    const listed = RuleList.parse((await call('GET', '/v1/workflows/rules')).body);
    expect(listed.rules.map((rule) => [rule.rule_id, rule.actions[0]?.type])).toEqual([
      ['voip-needs-otp', 'block'],
      ['sim-swap', 'add_flag'],
    ]);
    expect(await call('DELETE', '/v1/workflows/rules/voip-needs-otp')).toEqual({
      status: 200,
      body: { rule_id: 'voip-needs-otp', deleted: true },
    });
    expect(await call('DELETE', '/v1/workflows/rules/voip-needs-otp')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    expect(((await call('GET', '/v1/workflows/rules')).body.rules as unknown[]).length).toBe(1);
  });

  it('rejects an invalid rule with the path of the mistake', async () => {
    const wrongOperator = {
      ...voipRule,
      conditions: {
        all: [voipRule.conditions.all[0], { field: 'phone_otp_verified', operator: 'gt', value: 1 }],
      },
    };
    const answer = await call('POST', '/v1/workflows/rules', wrongOperator);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: {
        code: 'bad_request',
        details: [{ path: 'conditions.all.1.operator', message: expect.stringMatching(/does not fit/) }],
      },
    });
    const unknownField = {
      ...voipRule,
      conditions: { any: [{ field: 'shoe_size', operator: 'gt', value: 40 }] },
    };
    expect((await call('POST', '/v1/workflows/rules', unknownField)).body).toMatchObject({
      error: { details: [{ path: 'conditions.any.0.field' }] },
    });
    expect((await call('DELETE', '/v1/workflows/rules/has%20space')).status).toBe(400);
    expect((await call('GET', '/v1/workflows/rules', undefined, { secret: '' })).status).toBe(401);
  });
});

describe('GET /v1/cases', () => {
  it('lists the site’s cases newest first, filtered and paginated, phones masked', async () => {
    const cases = new CasesRepository(server.deps.store, server.deps.clock);
    for (const [index, caseType] of ['sim_swap_review', 'voip_review', 'sim_swap_review'].entries()) {
      await cases.create('pk_test_demo', {
        case_type: caseType,
        priority: 'high',
        title: `Case ${index}`,
        verification_id: `ver_${index}`,
        phone: '+447400123456',
        flags: [],
      });
    }
    await cases.create('pk_other', {
      case_type: 'sim_swap_review',
      priority: 'low',
      title: 'Not ours',
      verification_id: null,
      phone: null,
      flags: [],
    });

    const first = await call('GET', '/v1/cases?case_type=sim_swap_review&limit=1');
    expect(first.status).toBe(200);
    const page = CaseList.parse(first.body);
    expect(page.cases.map((item) => [item.title, item.phone, item.status])).toEqual([
      ['Case 2', '+44******3456', 'open'],
    ]);
    const second = CaseList.parse(
      (await call('GET', `/v1/cases?case_type=sim_swap_review&limit=1&cursor=${page.next_cursor}`)).body,
    );
    expect(second.cases.map((item) => item.title)).toEqual(['Case 0']);
    const all = CaseList.parse((await call('GET', '/v1/cases?status=open')).body);
    expect(all).toMatchObject({ next_cursor: null });
    expect(all.cases.map((item) => item.title)).toEqual(['Case 2', 'Case 1', 'Case 0']);
    expect((await call('GET', '/v1/cases?status=closed')).body).toEqual({ cases: [], next_cursor: null });
  });

  it('refuses bad filters and cursors with 400', async () => {
    for (const query of ['status=done', 'limit=0', 'limit=abc', 'cursor=xyz', 'colour=red']) {
      expect((await call('GET', `/v1/cases?${query}`)).body).toMatchObject({
        error: { code: 'bad_request' },
      });
    }
  });
});
