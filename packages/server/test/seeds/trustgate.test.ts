import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LookupAnswer, SiteverifyOutput, VerificationRecordView } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineFactsTtlMs } from '../../src/wiring/operator.js';
import { startSilentServer } from '../silent/harness.js';

/**
 * The example requests of the TrustGate phone verification reference (reference/seeds/003), each
 * sent as written — the same curl command, only the host and the key changed — to a real server
 * (embedded sandbox operator, dev inbox, real Redis), and answered with the documented fields.
 * The tests run in order: the document's number +14155551234 goes through its life step by step.
 */
const run = promisify(execFile);
const day = 86_400_000;
let h: Awaited<ReturnType<typeof startSilentServer>>;

beforeAll(async () => {
  h = await startSilentServer();
});
afterAll(() => h.server.close());

/** Runs a curl command of the reference with only the host and the key replaced; answers its JSON. */
async function curl<T = Record<string, unknown>>(command: string): Promise<T> {
  const local = command
    .replaceAll('https://api.bytrustgate.com', h.server.url)
    .replaceAll('YOUR_API_KEY', 'sk_test_demo');
  const { stdout } = await run('bash', ['-c', local]);
  return JSON.parse(stdout) as T;
}

const daysAgo = (days: number) => new Date(h.clock.now() - days * day).toISOString();
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
/** Changes the line at the operator; the clock moves past the time line facts are kept per number. */
const subscriber = async (phone: string, body: Record<string, unknown>) => {
  await h.sandbox('PUT', `/subscribers/${encodeURIComponent(phone)}`, body);
  h.clock.advance(lineFactsTtlMs + 1);
};

describe('TrustGate reference, example by example', () => {
  it('Configure Settings: the PUT as written answers the settings it set', async () => {
    const settings = await curl(`curl -X PUT https://api.bytrustgate.com/v1/settings/phone-verification \\
-H "Authorization: Bearer YOUR_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"require_otp": true,
"otp_expiry_minutes": 10,
"max_otp_attempts": 3,
"block_voip": false,
"flag_voip": true,
"block_virtual": true,
"sim_swap_check": true,
"sim_swap_threshold_days": 7
}'`);
    expect(settings).toMatchObject({
      require_otp: true,
      otp_expiry_minutes: 10,
      max_otp_attempts: 3,
      block_voip: false,
      flag_voip: true,
      block_virtual: true,
      sim_swap_check: true,
      sim_swap_threshold_days: 7,
    });
    // In effect: a virtual number is refused, and a code gets three attempts.
    const virtual = await h.client.rest('POST', '/v1/phone/send-otp', { phone: '+447012345678' });
    expect(virtual.body.error?.code).toBe('line_type_not_allowed');
  });

  it('Workflow Rules: both rules post as written, otp_for_voip with info_needed as one sentence', async () => {
    const voip = await curl(`curl -X POST https://api.bytrustgate.com/v1/workflows/rules \\
-H "Authorization: Bearer YOUR_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"rule_id": "otp_for_voip",
"trigger": "phone_lookup_complete",
"conditions": {
"all": [
{"field": "phone_type", "operator": "eq", "value": "voip"},
{"field": "phone_otp_verified", "operator": "eq", "value": false}
]
},
"actions": [
{
"type": "request_info",
"info_needed": "Phone verification required"
},
{
"type": "send_otp",
"channel": "sms"
}
]
}'`);
    expect(voip).toMatchObject({
      rule_id: 'otp_for_voip',
      trigger: 'phone_lookup_complete',
      actions: [
        { type: 'request_info', info_needed: ['Phone verification required'] },
        { type: 'send_otp', channel: 'sms' },
      ],
    });
    const swap = await curl(`curl -X POST https://api.bytrustgate.com/v1/workflows/rules \\
-H "Authorization: Bearer YOUR_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"rule_id": "flag_sim_swap",
"trigger": "phone_lookup_complete",
"conditions": {
"all": [
{"field": "sim_swap_days_ago", "operator": "lt", "value": 7}
]
},
"actions": [
{
"type": "add_flag",
"flag": "recent_sim_swap"
},
{
"type": "create_case",
"case_type": "fraud",
"priority": "high",
"title": "Recent SIM swap detected"
}
]
}'`);
    expect(swap).toMatchObject({ rule_id: 'flag_sim_swap', trigger: 'phone_lookup_complete' });
  });

  it('Format Validation: the documented answer for "+1 (415) 555-1234"', async () => {
    const answer = await curl(`curl -X POST https://api.bytrustgate.com/v1/phone/validate \\
-H "Authorization: Bearer YOUR_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{"phone": "+1 (415) 555-1234"}'`);
    expect(answer).toMatchObject({
      phone: '+1 (415) 555-1234',
      validation: {
        valid: true,
        formatted_e164: '+14155551234',
        formatted_national: '(415) 555-1234',
        // libphonenumber-js separates international groups with spaces where Google's library
        // (and so the reference) keeps the dashes of the NANP format: "+1 415-555-1234".
        formatted_international: '+1 415 555 1234',
        country_code: '1',
        country: 'US',
      },
    });
  });

  it('Passive Phone Intelligence: lookup with applicant_id answers the documented fields', async () => {
    await subscriber('+14155551234', { operator_name: 'Verizon Wireless' });
    const answer = await curl<LookupAnswer>(`curl -X POST https://api.bytrustgate.com/v1/phone/lookup \\
-H "Authorization: Bearer YOUR_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"phone": "+14155551234",
"applicant_id": "550e8400-e29b-41d4-a716-446655440000"
}'`);
    expect(answer).toMatchObject({
      phone: '+14155551234',
      valid: true,
      type: 'mobile',
      carrier: { name: 'Verizon Wireless', type: 'mobile' },
      location: { country: 'US', country_code: '1' },
      risk_assessment: { risk_score: 0, risk_level: 'low', factors: [] },
      line_status: 'active',
      ported: false,
      roaming: false,
      // No rule matched a clean line.
      flags: [],
      cases: [],
    });
    expect(typeof answer.location.region).toBe('string');
  });

  it('OTP Verification: send-otp with applicant_id, then verify-otp as written (code 123456 on a test number)', async () => {
    // The reference's code is fixed, so the number is one of the site's test numbers.
    await h.client.rest('PUT', '/v1/settings/phone-verification', {
      test_numbers: [{ phone: '+14155551234', code: '123456' }],
    });
    const sent = await curl(`curl -X POST https://api.bytrustgate.com/v1/phone/send-otp \\
-H "Authorization: Bearer YOUR_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"phone": "+14155551234",
"applicant_id": "550e8400-e29b-41d4-a716-446655440000",
"channel": "sms"
}'`);
    expect(sent).toMatchObject({
      status: 'pending',
      channel: 'sms',
      to: '+14155551234',
      attempts_left: 3,
      verification_id: expect.any(String),
      expires_at: expect.any(String),
    });

    const verified = await curl(`curl -X POST https://api.bytrustgate.com/v1/phone/verify-otp \\
-H "Authorization: Bearer YOUR_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"phone": "+14155551234",
"code": "123456",
"applicant_id": "550e8400-e29b-41d4-a716-446655440000"
}'`);
    expect(verified).toMatchObject({
      phone: '+14155551234',
      verification_status: 'verified',
      verified_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      phone_intelligence: {
        type: 'mobile',
        carrier: 'Verizon Wireless',
        country: 'US',
        risk_score: 0,
        risk_level: 'low',
      },
    });
    const record = await h.client.rest<VerificationRecordView>(
      'GET',
      `/v1/verifications/${sent.verification_id}`,
    );
    expect(record.body).toMatchObject({ applicant_id: '550e8400-e29b-41d4-a716-446655440000', test: true });
    const redeemed = await h.client.rest<SiteverifyOutput>('POST', '/v1/siteverify', {
      response: verified.token,
    });
    expect(redeemed.body).toMatchObject({
      success: true,
      phone: '+14155551234',
      applicant_id: '550e8400-e29b-41d4-a716-446655440000',
      test: true,
    });
    await h.client.rest('PUT', '/v1/settings/phone-verification', { test_numbers: [] });
  });

  it('Send via Specific Channel: a voice call in the language asked for', async () => {
    const sent = await curl(`curl -X POST https://api.bytrustgate.com/v1/phone/send-otp \\
-H "Authorization: Bearer YOUR_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"phone": "+14155551234",
"channel": "voice",
"language": "en"
}'`);
    expect(sent).toMatchObject({ status: 'pending', channel: 'voice', to: '+14155551234' });
    const [call] = await h.client.inbox('+14155551234');
    expect(call).toMatchObject({ channel: 'voice' });
    expect(call?.body).toMatch(/^Hello, this is .+\. Your verification code is: (\d, ){5}\d\./);
    await h.client.rest('POST', `/v1/verifications/${sent.verification_id}/cancel`);
  });

  it('Check Porting History: the raw + in the query, the documented answer for a port 36 days ago', async () => {
    await subscriber('+14155551234', {
      operator_name: 'Verizon',
      porting_history: [{ from_carrier: 'AT&T', to_carrier: 'Verizon', ported_at: daysAgo(36) }],
    });
    const answer =
      await curl(`curl -X GET "https://api.bytrustgate.com/v1/phone/porting-history?phone=+14155551234" \\
-H "Authorization: Bearer YOUR_API_KEY"`);
    expect(answer).toEqual({
      phone: '+14155551234',
      current_carrier: 'Verizon',
      porting_history: [
        { from_carrier: 'AT&T', to_carrier: 'Verizon', ported_at: daysAgo(36).slice(0, 10), days_ago: 36 },
      ],
      recently_ported: true,
      risk_factor: 'medium',
    });
  });

  it('Check for SIM Swap: no recent change, 219 days ago', async () => {
    await subscriber('+14155551234', { sim_changed_at: daysAgo(219) });
    const answer = await curl(`curl -X POST https://api.bytrustgate.com/v1/phone/sim-swap-check \\
-H "Authorization: Bearer YOUR_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"phone": "+14155551234"
}'`);
    expect(answer).toMatchObject({
      phone: '+14155551234',
      sim_swap_detected: false,
      last_sim_change: expect.stringMatching(dateOnly),
      days_since_change: 219,
      risk_assessment: { risk_level: 'low', details: expect.stringMatching(/^No SIM change/) },
    });
  });

  it('flag_sim_swap acts on a lookup: the flag and a high-priority fraud case', async () => {
    await subscriber('+14155551234', { sim_changed_at: daysAgo(2) });
    const answer = await h.client.rest<LookupAnswer>('POST', '/v1/phone/lookup', {
      phone: '+14155551234',
      applicant_id: '550e8400-e29b-41d4-a716-446655440000',
    });
    expect(answer.body.flags).toContain('recent_sim_swap');
    expect(answer.body.cases).toEqual([
      expect.objectContaining({
        case_type: 'fraud',
        priority: 'high',
        title: 'Recent SIM swap detected',
        status: 'open',
        applicant_id: '550e8400-e29b-41d4-a716-446655440000',
      }),
    ]);
  });

  it('VoIP Detection and otp_for_voip: Google Voice is medium risk; the rule asks for the phone and a code by SMS', async () => {
    await subscriber('+14155559999', { operator_name: 'Google Voice', line_type: 'voip' });
    const answer = await h.client.rest<LookupAnswer>('POST', '/v1/phone/lookup', { phone: '+14155559999' });
    expect(answer.body).toMatchObject({
      phone: '+14155559999',
      type: 'voip',
      carrier: { name: 'Google Voice', type: 'voip' },
      risk_assessment: {
        risk_level: 'medium',
        factors: [{ factor: 'voip_number', contribution: 15, details: 'Google Voice VoIP number' }],
      },
      info_needed: ['Phone verification required'],
    });
    // On mobile data a widget would go silent; the rule insists on an SMS code, and says why.
    const started = await h.start('+14155559999', { connection: 'cellular' });
    expect(started.data).toMatchObject({
      status: 'pending',
      method: 'otp',
      channel: 'sms',
      infoNeeded: ['Phone verification required'],
    });
    // Without the rule, the same start goes silent.
    await h.client.rest('DELETE', '/v1/workflows/rules/otp_for_voip');
    await h.startSilent('+14155559998');
  });
});
