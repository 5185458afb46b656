import type {
  Case,
  LookupAnswer,
  SendOtpOutput,
  SiteverifyOutput,
  VerificationRecordView,
  VerifyOtpOutput,
} from '@proofline/shared';
import { describe, expect, it } from 'vitest';
import { uniqueMobile } from '../http/otp-client.js';
import { type SilentServer, useRulesServer } from '../rules-flow/harness.js';
import { recentSimSwap } from '../rules-flow/sample-rules.js';

/**
 * Rule actions acting on real flows over HTTP, each beside the same flow without the rule:
 * `request_info` on a verification (view, record, webhooks, siteverify), `phone_lookup_complete`
 * rules on `POST /v1/phone/lookup`, cases read and reviewed, and `action` as a rule fact.
 * (`block`, `require_otp`, `send_otp`, `add_flag`, `create_case` and `webhook` at a verification's
 * start are in rules-flow.test.ts.)
 */
let h: SilentServer;
const day = 86_400_000;

const rules = useRulesServer((started) => {
  h = started;
});

const lookup = (body: Record<string, unknown>) =>
  h.client.rest<LookupAnswer>('POST', '/v1/phone/lookup', body);
const swappedLine = async (days: number) => {
  const phone = uniqueMobile();
  await h.sandbox('PUT', `/subscribers/${encodeURIComponent(phone)}`, {
    sim_changed_at: new Date(h.clock.now() - days * day).toISOString(),
  });
  return phone;
};

describe('request_info', () => {
  const rule = {
    rule_id: 'prepaid-needs-id',
    trigger: 'verification_started',
    conditions: { all: [{ field: 'prepaid', operator: 'eq', value: true }] },
    actions: [{ type: 'request_info', info_needed: ['government_id', 'Proof of address'] }],
  };

  it('carries info_needed on the verification: send-otp, record, widget view, webhook, siteverify', async () => {
    await rules.addRule(rule);
    const phone = uniqueMobile();
    await h.sandbox('PUT', `/subscribers/${encodeURIComponent(phone)}`, { prepaid: true });
    const sent = await h.client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone,
      applicant_id: 'app-9',
    });
    const needed = ['government_id', 'Proof of address'];
    expect(sent.body).toMatchObject({ status: 'pending', info_needed: needed });
    const id = sent.body.verification_id!;
    const verified = await h.client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', {
      verification_id: id,
      code: await h.client.latestCode(phone),
    });
    const record = await h.client.rest<VerificationRecordView>('GET', `/v1/verifications/${id}`);
    expect(record.body).toMatchObject({ status: 'approved', info_needed: needed, applicant_id: 'app-9' });
    const approved = await rules.webhookFor('verification.approved', (data) => data.verification_id === id);
    expect(approved.data).toMatchObject({ info_needed: needed, applicant_id: 'app-9' });
    const redeemed = await h.client.rest<SiteverifyOutput>('POST', '/v1/siteverify', {
      response: verified.body.token,
    });
    expect(redeemed.body).toMatchObject({ success: true, info_needed: needed, applicant_id: 'app-9' });

    const widgetPhone = uniqueMobile();
    await h.sandbox('PUT', `/subscribers/${encodeURIComponent(widgetPhone)}`, { prepaid: true });
    const widget = await h.start(widgetPhone, { connection: 'wifi' });
    expect(widget.data.infoNeeded).toEqual(needed);
  });

  it('without the rule nothing is asked for', async () => {
    const phone = uniqueMobile();
    await h.sandbox('PUT', `/subscribers/${encodeURIComponent(phone)}`, { prepaid: true });
    const sent = await h.client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone });
    expect(sent.body.info_needed).toBeUndefined();
    const record = await h.client.rest<VerificationRecordView>(
      'GET',
      `/v1/verifications/${sent.body.verification_id}`,
    );
    expect(record.body.info_needed).toEqual([]);
    expect((await h.start(uniqueMobile(), { connection: 'wifi' })).data.infoNeeded).toBeUndefined();
  });

  it('refuses info_needed that is empty or not text, with the path', async () => {
    for (const info_needed of ['', [], [42], 'x'.repeat(257)]) {
      const refused = await h.client.rest('POST', '/v1/workflows/rules', {
        ...rule,
        actions: [{ type: 'request_info', info_needed }],
      });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body.error?.details)).toContain('actions.0.info_needed');
    }
  });
});

describe('the action fact', () => {
  it('a rule on the page’s action blocks that action only', async () => {
    await rules.addRule({
      rule_id: 'no-password-reset-by-sms',
      trigger: 'verification_started',
      conditions: { all: [{ field: 'action', operator: 'eq', value: 'password_reset' }] },
      actions: [{ type: 'block', reason: 'Password resets go through support.' }],
    });
    const reset = await h.client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: uniqueMobile(),
      action: 'password_reset',
    });
    expect(reset.body).toMatchObject({ status: 'blocked', reason: 'Password resets go through support.' });
    const signup = await h.client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: uniqueMobile(),
      action: 'signup',
    });
    expect(signup.body.status).toBe('pending');
  });
});

describe('phone_lookup_complete rules on POST /v1/phone/lookup', () => {
  const { conditions } = recentSimSwap('phone_lookup_complete', 'recent_sim_swap');
  const flagAndCase = {
    rule_id: 'flag_sim_swap',
    trigger: 'phone_lookup_complete',
    conditions,
    actions: [
      { type: 'add_flag', flag: 'recent_sim_swap' },
      { type: 'create_case', case_type: 'fraud', priority: 'high', title: 'Recent SIM swap detected' },
      { type: 'request_info', info_needed: 'Phone verification required' },
      { type: 'webhook', event: 'sim_swap_lookup' },
    ],
  };

  it('flags, cases (with the applicant), info_needed and rule.matched from a lookup', async () => {
    await rules.addRule(flagAndCase);
    const phone = await swappedLine(2);
    const answer = await lookup({ phone, applicant_id: 'app-77' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      phone,
      flags: ['sim_swap', 'recent_sim_swap'],
      info_needed: ['Phone verification required'],
      cases: [
        {
          case_type: 'fraud',
          priority: 'high',
          title: 'Recent SIM swap detected',
          status: 'open',
          verification_id: null,
          applicant_id: 'app-77',
          flags: ['sim_swap', 'recent_sim_swap'],
        },
      ],
    });
    const caseId = answer.body.cases![0]!.case_id;
    const created = await rules.webhookFor('case.created', (data) => data.case_id === caseId);
    expect(created.data).toMatchObject({ applicant_id: 'app-77' });
    const matched = await rules.webhookFor('rule.matched', (data) =>
      (data.case_ids as string[]).includes(caseId),
    );
    expect(matched.data).toMatchObject({
      event: 'sim_swap_lookup',
      trigger: 'phone_lookup_complete',
      verification_id: null,
    });
  });

  it('the same rule at a verification’s start opens the case with the verification and its applicant', async () => {
    await rules.addRule(flagAndCase);
    const phone = await swappedLine(3);
    const sent = await h.client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone,
      applicant_id: 'app-79',
    });
    const listed = await h.client.rest<{ cases: Case[] }>('GET', '/v1/cases?case_type=fraud');
    expect(
      listed.body.cases?.find((item) => item.verification_id === sent.body.verification_id),
    ).toMatchObject({
      applicant_id: 'app-79',
      flags: ['sim_swap', 'recent_sim_swap'],
    });
  });

  it('without the rule, the same lookup answers no flags beyond the settings’ and opens no case', async () => {
    const phone = await swappedLine(2);
    const answer = await lookup({ phone });
    expect(answer.body).toMatchObject({ flags: ['sim_swap'], cases: [], info_needed: [] });
  });

  it('a case is read and reviewed: in_review with a note, then closed with a resolution', async () => {
    await rules.addRule(flagAndCase);
    const answer = await lookup({ phone: await swappedLine(1), applicant_id: 'app-78' });
    const caseId = answer.body.cases![0]!.case_id;
    const read = await h.client.rest<Case>('GET', `/v1/cases/${caseId}`);
    expect(read.body).toEqual(answer.body.cases![0]);

    h.clock.advance(60_000);
    const review = await h.client.rest<Case>('PATCH', `/v1/cases/${caseId}`, {
      status: 'in_review',
      note: 'Called the customer.',
    });
    expect(review.body).toMatchObject({
      status: 'in_review',
      resolution: null,
      notes: [{ text: 'Called the customer.', created_at: new Date(h.clock.now()).toISOString() }],
      updated_at: new Date(h.clock.now()).toISOString(),
      applicant_id: 'app-78',
    });
    const closed = await h.client.rest<Case>('PATCH', `/v1/cases/${caseId}`, {
      status: 'closed',
      resolution: 'Legitimate SIM replacement',
    });
    expect(closed.body).toMatchObject({ status: 'closed', resolution: 'Legitimate SIM replacement' });
    expect(closed.body.notes).toHaveLength(1);
    const listed = await h.client.rest<{ cases: Case[] }>('GET', '/v1/cases?status=closed');
    expect(listed.body.cases?.map((item) => item.case_id)).toContain(caseId);

    expect((await h.client.rest('GET', '/v1/cases/case_unknown')).status).toBe(404);
    expect((await h.client.rest('PATCH', '/v1/cases/case_unknown', { status: 'closed' })).status).toBe(404);
    const empty = await h.client.rest('PATCH', `/v1/cases/${caseId}`, {});
    expect(empty.status).toBe(400);
    const wrongStatus = await h.client.rest('PATCH', `/v1/cases/${caseId}`, { status: 'done' });
    expect(wrongStatus.body.error?.details).toEqual([expect.objectContaining({ path: 'status' })]);
  });
});
