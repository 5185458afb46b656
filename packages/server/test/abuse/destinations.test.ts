import type { SendOtpOutput, SiteverifyOutput, VerificationRecordView } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueMobile } from '../http/otp-client.js';
import { type AbuseServer, startAbuseServer } from './harness.js';

/**
 * Every address a code goes to passes the checks `phone` passes, and the token claims only what
 * was proven: an attacker cannot route codes to toll-fraud destinations through `workflow[].to`.
 */
let h: AbuseServer;
beforeAll(async () => {
  h = await startAbuseServer();
});
afterAll(() => h.close());

const sendTo = (to: string, channel = 'sms') =>
  h.a.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
    phone: uniqueMobile(),
    workflow: [{ channel, to }],
  });

describe('every destination is checked', () => {
  it.each([
    ['a UK premium-rate number', '+449012345678', 403, 'line_type_not_allowed'],
    ['a satellite number (+881)', '+881612345678', 403, 'country_not_allowed'],
    ['a Cuban mobile (high-risk destination)', '+5352345678', 403, 'country_not_allowed'],
    ['something that is not a number', '+44 12', 400, 'invalid_phone'],
  ])('refuses codes to %s given as workflow[].to, and sends nothing', async (_, to, status, code) => {
    const answer = await sendTo(to);
    expect(answer.status).toBe(status);
    expect(answer.body.error?.code).toBe(code);
    expect(await h.a.inbox(to)).toEqual([]);
  });

  it('lets a site enable a high-risk destination for a channel (geo permissions)', async () => {
    const enabled = await h.a.rest('PUT', '/v1/fraud/geo-permissions', {
      sms: { allowed_countries: null, allow_high_risk: true },
    });
    expect(enabled.status).toBe(200);
    const answer = await sendTo('+5352345671');
    expect(answer.status).toBe(200);
    expect(await h.a.inbox('+5352345671')).toHaveLength(1);
    await h.a.rest('PUT', '/v1/fraud/geo-permissions', { sms: {} });
    expect((await sendTo('+5352345672')).status).toBe(403);
  });

  it('the token names the number that received the code, not the one typed', async () => {
    const typed = uniqueMobile();
    const other = uniqueMobile();
    const started = await h.a.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: typed,
      workflow: [{ channel: 'sms', to: other }],
    });
    expect(await h.a.inbox(typed)).toEqual([]);
    const verified = await h.a.rest<{ token: string }>('POST', '/v1/phone/verify-otp', {
      verification_id: started.body.verification_id,
      code: await h.a.latestCode(other),
    });
    const redeemed = await h.a.rest<SiteverifyOutput>('POST', '/v1/siteverify', {
      response: verified.body.token,
    });
    expect(redeemed.body).toMatchObject({ success: true, phone: other, phone_verified: true, email: null });
    const view = await h.a.rest<VerificationRecordView>(
      'GET',
      `/v1/verifications/${started.body.verification_id}`,
    );
    expect(view.body).toMatchObject({
      phone: typed,
      verified: { phone: other, phone_verified: true, email: null },
    });
  });

  it('an email step proves the address, not the phone', async () => {
    const started = await h.a.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: uniqueMobile(),
      workflow: [{ channel: 'email', to: 'Someone@Example.com' }],
    });
    const verified = await h.a.rest<{ token: string }>('POST', '/v1/phone/verify-otp', {
      verification_id: started.body.verification_id,
      code: await h.a.latestCode('someone@example.com'),
    });
    const redeemed = await h.a.rest<SiteverifyOutput>('POST', '/v1/siteverify', {
      response: verified.body.token,
    });
    expect(redeemed.body).toMatchObject({
      success: true,
      phone: null,
      phone_verified: false,
      email: 'someone@example.com',
    });
  });
});

describe('lines that cannot receive a code', () => {
  it.each(['inactive', 'suspended'])(
    'refuses a line the operator reports %s (line_not_active), sending nothing',
    async (status) => {
      const phone = uniqueMobile();
      const upsert = await fetch(
        `${h.server.url}/sandbox/operator/subscribers/${encodeURIComponent(phone)}`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ line_status: status }),
        },
      );
      expect(upsert.status).toBe(200);
      const rest = await h.a.rest('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
      expect(rest.status).toBe(403);
      expect(rest.body.error?.code).toBe('line_not_active');
      const widget = await h.widget('verification.start', { phone, channel: 'sms' });
      expect(widget.error?.data.code).toBe('line_not_active');
      expect(await h.a.inbox(phone)).toEqual([]);
    },
  );
});

describe('channels that suit the line', () => {
  it('never texts a landline: SMS and WhatsApp are skipped, the call comes after them', async () => {
    const landline = '+441212345678';
    const started = await h.a.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone: landline });
    expect(started.body).toMatchObject({ status: 'pending', channel: 'voice' });
    const view = await h.a.rest<VerificationRecordView>(
      'GET',
      `/v1/verifications/${started.body.verification_id}`,
    );
    expect(view.body.workflow).toEqual([
      expect.objectContaining({ channel: 'sms', status: 'skipped', reason: 'line_cannot_receive' }),
      expect.objectContaining({ channel: 'whatsapp', status: 'skipped', reason: 'line_cannot_receive' }),
      expect.objectContaining({ channel: 'voice', status: 'sent' }),
    ]);
    expect((await h.a.inbox(landline)).map((message) => message.channel)).toEqual(['voice']);
  });

  it('a widget cannot start with a call', async () => {
    const phone = uniqueMobile();
    const answer = await h.widget('verification.start', { phone, channel: 'voice' });
    expect(answer.status).toBe(403);
    expect(answer.error?.data.code).toBe('channel_not_allowed');
    expect(await h.a.inbox(phone)).toEqual([]);
  });

  it('puts voice after the first text channel even when the site lists it first', async () => {
    await h.a.rest('PUT', '/v1/settings/phone-verification', { channels: ['voice', 'sms'] });
    try {
      const phone = uniqueMobile();
      const started = await h.widget('verification.start', { phone, connection: 'wifi' });
      expect(started.data).toMatchObject({ status: 'pending', channel: 'sms' });
    } finally {
      await h.a.rest('PUT', '/v1/settings/phone-verification', {
        channels: ['sms', 'whatsapp', 'voice', 'email'],
      });
    }
  });
});
