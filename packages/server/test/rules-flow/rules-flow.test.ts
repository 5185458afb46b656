import type { CaseList, SendOtpOutput, VerificationRecordView, VerifyOtpOutput } from '@proofline/shared';
import { maskPhone } from '@proofline/shared';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { uniqueMobile } from '../http/otp-client.js';
import { type SilentServer, useRulesServer } from './harness.js';
import { voipNeedsOtp } from './sample-rules.js';

/**
 * The site's settings and workflow rules changing real flows over HTTP: lookups from the embedded
 * sandbox operator, rules evaluated at the start, refusals before any send, cases and webhooks.
 */
let h: SilentServer;
const day = 86_400_000;

const rules = useRulesServer((started) => {
  h = started;
});
afterEach(async () => {
  await h.client.rest('PUT', '/v1/settings/phone-verification', {
    block_voip: false,
    block_virtual: false,
  });
  await h.sandbox('PUT', '/device', { phone: null });
});

const record = async (id: string) =>
  (await h.client.rest<VerificationRecordView>('GET', `/v1/verifications/${id}`)).body;

/** A widget start on mobile data whose silent step the device completes: approved, method silent. */
async function passSilently(phone: string) {
  const started = await h.startSilent(phone);
  await h.follow(started.silent!.authUrl);
  expect((await h.get(started.verificationId)).data).toMatchObject({ status: 'approved', method: 'silent' });
  return started;
}

/** VoIP numbers of the GB 056 range (libphonenumber VOIP), known to the sandbox as VoIP lines. */
const voipLine = async (last: number) => {
  const phone = `+44561234${String(last).padStart(4, '0')}`;
  await h.sandbox('PUT', `/subscribers/${encodeURIComponent(phone)}`, {
    line_type: 'voip',
    operator_name: 'Sandbox VoIP',
  });
  return phone;
};

describe('require_otp: VoIP and not verified by a code → silent is not enough', () => {
  const rule = voipNeedsOtp;

  it('without the rule a VoIP line the device is on passes silently', async () => {
    const phone = await voipLine(5678);
    await h.sandbox('PUT', '/device', { phone });
    const started = await passSilently(phone);
    expect((await record(started.verificationId)).flags).toContain('voip');
  });

  it('with the rule the same kind of start sends a code, and verify-otp reports the line', async () => {
    await rules.addRule(rule);
    const phone = await voipLine(5679);
    await h.sandbox('PUT', '/device', { phone });
    const started = await h.start(phone, { connection: 'cellular' });
    expect(started.data).toMatchObject({ status: 'pending', method: 'otp', channel: 'sms' });
    expect(started.data.silent).toBeUndefined();
    expect((await h.client.inbox(phone)).map((message) => message.channel)).toEqual(['sms']);

    // The widget's verification is checked by the widget: the site's backend may only read it.
    const verified = await h.client.trpc('mutation', 'verification.check', {
      siteKey: 'pk_test_demo',
      verificationId: started.data.verificationId,
      code: await h.client.latestCode(phone),
    });
    expect(verified.data).toMatchObject({ status: 'approved', method: 'otp', channel: 'sms' });
    expect((await record(started.data.verificationId)).risk).toMatchObject({
      risk_score: 15,
      risk_level: 'medium',
      factors: [expect.objectContaining({ factor: 'voip_number' })],
    });
    expect((await record(started.data.verificationId)).workflow).toEqual([
      expect.objectContaining({ channel: 'sms', status: 'approved' }),
    ]);
  });

  it('a mobile line under the same rule still gets the silent step', async () => {
    await rules.addRule(rule);
    const phone = uniqueMobile();
    await h.sandbox('PUT', '/device', { phone });
    await passSilently(phone);
  });
});

describe('SIM swap within a week → add_flag + create_case', () => {
  it('flags the verification (record and token claims) and opens a case, announced by webhook', async () => {
    await rules.addRule({
      rule_id: 'recent-sim-swap',
      trigger: 'phone_lookup_complete',
      conditions: { all: [{ field: 'sim_swap_days_ago', operator: 'lt', value: 7 }] },
      actions: [
        { type: 'add_flag', flag: 'sim_swap:recent' },
        {
          type: 'create_case',
          case_type: 'sim_swap_review',
          priority: 'high',
          title: 'SIM changed this week',
        },
      ],
    });
    const phone = uniqueMobile();
    await h.sandbox('PUT', `/subscribers/${encodeURIComponent(phone)}`, {
      sim_changed_at: new Date(h.clock.now() - 2 * day).toISOString(),
    });
    const sent = await h.client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    expect(sent.body).toMatchObject({ status: 'pending', channel: 'sms' });
    const id = sent.body.verification_id!;

    const view = await record(id);
    expect(view.flags).toEqual(expect.arrayContaining(['sim_swap', 'sim_swap:recent']));
    expect(view.risk?.factors.map((factor) => factor.factor)).toContain('recent_sim_swap');

    const cases = await h.client.rest<CaseList>('GET', '/v1/cases?case_type=sim_swap_review');
    const opened = cases.body.cases?.find((item) => item.verification_id === id);
    expect(opened).toMatchObject({
      case_type: 'sim_swap_review',
      priority: 'high',
      title: 'SIM changed this week',
      status: 'open',
      flags: expect.arrayContaining(['sim_swap:recent']),
    });
    expect(opened?.phone).not.toBe(phone);
    const announced = await rules.webhookFor('case.created', (data) => data.verification_id === id);
    expect(announced.data.case_id).toBe(opened?.case_id);

    const verified = await h.client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', {
      verification_id: id,
      code: await h.client.latestCode(phone),
    });
    expect(verified.body.phone_intelligence).toMatchObject({
      type: 'mobile',
      carrier: 'Proofline Sandbox Mobile',
      country: 'GB',
      risk_level: 'medium',
    });
    const claims = decodeJwt(verified.body.token!);
    expect(claims.flags).toEqual(expect.arrayContaining(['sim_swap', 'sim_swap:recent']));
  });

  it('an old SIM change matches nothing', async () => {
    await rules.addRule({
      rule_id: 'recent-sim-swap',
      trigger: 'phone_lookup_complete',
      conditions: { all: [{ field: 'sim_swap_days_ago', operator: 'lt', value: 7 }] },
      actions: [{ type: 'add_flag', flag: 'sim_swap:recent' }],
    });
    const phone = uniqueMobile();
    await h.sandbox('PUT', `/subscribers/${encodeURIComponent(phone)}`, {
      sim_changed_at: new Date(h.clock.now() - 40 * day).toISOString(),
    });
    const sent = await h.client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    expect((await record(sent.body.verification_id!)).flags).not.toContain('sim_swap:recent');
  });
});

describe('refusals and other actions', () => {
  it('block_voip refuses a VoIP number with 403 line_type_not_allowed before any send', async () => {
    await h.client.rest('PUT', '/v1/settings/phone-verification', { block_voip: true });
    const phone = await voipLine(5680);
    const rest = await h.client.rest('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    expect(rest.status).toBe(403);
    expect(rest.body.error?.code).toBe('line_type_not_allowed');
    // Not even known to the operator: the number range alone says VoIP.
    const unknownVoip = '+445612345681';
    const widget = await h.start(unknownVoip, { connection: 'cellular' });
    expect(widget.status).toBe(403);
    expect(widget.error?.data.code).toBe('line_type_not_allowed');
    expect(await h.client.inbox(phone)).toEqual([]);
    expect(await h.client.inbox(unknownVoip)).toEqual([]);
    // A mobile number is still welcome.
    expect((await h.start(uniqueMobile(), { connection: 'wifi' })).data).toMatchObject({ channel: 'sms' });
  });

  it('block_virtual refuses a personal (virtual) number', async () => {
    await h.client.rest('PUT', '/v1/settings/phone-verification', { block_virtual: true });
    const refused = await h.client.rest('POST', '/v1/phone/send-otp', { phone: '+447012345678' });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('line_type_not_allowed');
    expect(await h.client.inbox('+447012345678')).toEqual([]);
  });

  it('a block rule ends the verification blocked with its reason, nothing sent', async () => {
    await rules.addRule({
      rule_id: 'no-fr',
      trigger: 'verification_started',
      conditions: { all: [{ field: 'country', operator: 'eq', value: 'FR' }] },
      actions: [{ type: 'block', reason: 'French numbers are not accepted here.' }],
    });
    const phone = '+33612345670';
    const sent = await h.client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'blocked', reason: 'French numbers are not accepted here.' });
    expect(await h.client.inbox(phone)).toEqual([]);
    await rules.webhookFor('verification.blocked', (data) => data.request_id === sent.body.verification_id);
  });

  it('send_otp starts on the rule’s channel instead of silent; webhook announces the match', async () => {
    await rules.addRule({
      rule_id: 'prepaid-whatsapp',
      trigger: 'phone_lookup_complete',
      conditions: { all: [{ field: 'prepaid', operator: 'eq', value: true }] },
      actions: [
        { type: 'send_otp', channel: 'whatsapp' },
        { type: 'webhook', event: 'prepaid_line' },
      ],
    });
    const phone = uniqueMobile();
    await h.sandbox('PUT', `/subscribers/${encodeURIComponent(phone)}`, { prepaid: true });
    await h.sandbox('PUT', '/device', { phone });
    const started = await h.start(phone, { connection: 'cellular' });
    expect(started.data).toMatchObject({ status: 'pending', method: 'otp', channel: 'whatsapp' });
    expect((await h.client.inbox(phone)).map((message) => message.channel)).toEqual(['whatsapp']);
    const matched = await rules.webhookFor(
      'rule.matched',
      (data) => data.verification_id === started.data.verificationId,
    );
    // Masked: the site did not set webhook_full_phone.
    expect(matched.data).toMatchObject({
      event: 'prepaid_line',
      trigger: 'verification_started',
      phone: maskPhone(phone),
    });
  });
});
