import type { SendOtpOutput, SiteverifyOutput, VerificationRecordView } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueMobile, wrongCode } from '../http/otp-client.js';
import { type AbuseServer, SITE_B, startAbuseServer } from './harness.js';

/**
 * An attacker with nothing but a phone number and the public site key (or another site's keys)
 * tries to join, read, cancel or exhaust someone else's verification, over real HTTP on real Redis.
 */
let h: AbuseServer;
beforeAll(async () => {
  h = await startAbuseServer();
});
afterAll(() => h.close());

const victimIp = '203.0.113.10';
const attackerIp = '198.51.100.66';

describe('a verification belongs to whoever started it', () => {
  it('a second start for the same number is a new verification: the victim’s token never reaches the attacker', async () => {
    const phone = uniqueMobile();
    const victim = await h.widget('verification.start', { phone, channel: 'sms' }, { ip: victimIp });
    const attacker = await h.widget('verification.start', { phone, channel: 'sms' }, { ip: attackerIp });
    expect(victim.data.status).toBe('pending');
    expect(attacker.data.status).toBe('pending');
    expect(attacker.data.verificationId).not.toBe(victim.data.verificationId);

    // The victim types the code they received (the newest message is the attacker's, so both are tried).
    const codes = (await h.a.inbox(phone)).map((message) => message.body.match(/#(\d+)/)?.[1] ?? '');
    let token: string | undefined;
    for (const code of codes) {
      const checked = await h.widget(
        'verification.check',
        { verificationId: victim.data.verificationId, code },
        { ip: victimIp },
      );
      token ??= checked.data?.token;
    }
    expect(token).toEqual(expect.any(String));

    const polled = await h.widget(
      'verification.get',
      { verificationId: attacker.data.verificationId },
      { ip: attackerIp, kind: 'query' },
    );
    expect(polled.data.status).toBe('pending');
    expect(polled.data.token).toBeUndefined();
    const redeemed = await h.a.rest<SiteverifyOutput>('POST', '/v1/siteverify', { response: token });
    expect(redeemed.body).toMatchObject({ success: true, phone, phone_verified: true });
  });

  it('a REST verification cannot be read, checked, resent or cancelled from the widget, and loses no attempt', async () => {
    const phone = uniqueMobile();
    const started = await h.a.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    const id = started.body.verification_id!;
    const calls = [
      h.widget('verification.get', { verificationId: id }, { ip: attackerIp, kind: 'query' }),
      h.widget('verification.cancel', { verificationId: id }, { ip: attackerIp }),
      h.widget('verification.resend', { verificationId: id }, { ip: attackerIp }),
      ...Array.from({ length: 5 }, () =>
        h.widget('verification.check', { verificationId: id, code: '000000' }, { ip: attackerIp }),
      ),
    ];
    for (const answer of await Promise.all(calls)) expect(answer.error?.data.code).toBe('not_found');
    const view = await h.a.rest<VerificationRecordView>('GET', `/v1/verifications/${id}`);
    expect(view.body).toMatchObject({ status: 'pending', attempts_left: 5 });
    expect(await h.a.inbox(phone)).toHaveLength(1);
  });

  it('another site’s keys see nothing and burn no attempt of site A’s verifications', async () => {
    const phone = uniqueMobile();
    const rest = await h.a.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    const widget = await h.widget(
      'verification.start',
      { phone: uniqueMobile(), channel: 'sms' },
      { ip: victimIp },
    );
    const restId = rest.body.verification_id!;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const check = await h.b.rest('POST', '/v1/phone/verify-otp', {
        verification_id: restId,
        code: '000000',
      });
      expect(check.status).toBe(404);
      const byWidget = await h.widget(
        'verification.check',
        { verificationId: widget.data.verificationId, code: '000000' },
        { site: SITE_B, ip: attackerIp },
      );
      expect(byWidget.error?.data.code).toBe('not_found');
    }
    expect((await h.b.rest('GET', `/v1/verifications/${restId}`)).status).toBe(404);
    expect((await h.b.rest('POST', `/v1/verifications/${restId}/cancel`)).status).toBe(404);
    // verify-otp by phone only finds the caller's own live verification.
    expect((await h.b.rest('POST', '/v1/phone/verify-otp', { phone, code: '000000' })).status).toBe(404);

    expect((await h.a.rest<VerificationRecordView>('GET', `/v1/verifications/${restId}`)).body).toMatchObject(
      {
        status: 'pending',
        attempts_left: 5,
      },
    );
    const own = await h.widget(
      'verification.get',
      { verificationId: widget.data.verificationId },
      { ip: victimIp, kind: 'query' },
    );
    expect(own.data).toMatchObject({ status: 'pending', attemptsLeft: 5 });
  });

  it('the site’s backend may read its widget verifications, never act on them', async () => {
    const phone = uniqueMobile();
    const started = await h.widget('verification.start', { phone, channel: 'sms' }, { ip: victimIp });
    const id = started.data.verificationId;
    expect((await h.a.rest('GET', `/v1/verifications/${id}`)).status).toBe(200);
    const code = await h.a.latestCode(phone);
    expect((await h.a.rest('POST', '/v1/phone/verify-otp', { verification_id: id, code })).status).toBe(404);
    expect((await h.a.rest('POST', `/v1/verifications/${id}/cancel`)).status).toBe(404);
    expect((await h.a.rest('POST', `/v1/verifications/${id}/resend`, {})).status).toBe(404);
  });

  it('300 checks of unknown ids write nothing to the store', async () => {
    const before = (await h.keys()).length;
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, index) => {
        const id = `ver_${'a'.repeat(20)}${String(index)
          .padStart(6, '2')
          .replace(/[0189]/g, 'b')}`;
        return index % 2 === 0
          ? h.widget('verification.check', { verificationId: id, code: '123456' }, { ip: attackerIp })
          : h.a.rest('POST', '/v1/phone/verify-otp', { verification_id: id, code: '123456' });
      }),
    );
    for (const answer of answers) expect(answer.status).toBe(404);
    expect((await h.keys()).length).toBe(before);
  });

  it('a wrong code through another site is no wrong code for the number at site A', async () => {
    const phone = uniqueMobile();
    const started = await h.a.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    const code = await h.a.latestCode(phone);
    for (let attempt = 0; attempt < 20; attempt += 1) {
      await h.b.rest('POST', '/v1/phone/verify-otp', {
        verification_id: started.body.verification_id,
        code: wrongCode(code),
      });
    }
    const verified = await h.a.rest('POST', '/v1/phone/verify-otp', {
      verification_id: started.body.verification_id,
      code,
    });
    expect(verified.body).toMatchObject({ verification_status: 'verified' });
  });
});
