import type { NetworkBlocksOutput, SendOtpOutput } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrongCode } from '../http/otp-client.js';
import { type AbuseServer, startAbuseServer } from './harness.js';

/**
 * Refused requests repeated by an attacker must not lock real users out: no bucket is charged by
 * a refusal, and only messages actually sent and never verified are evidence of pumping.
 */
let h: AbuseServer;
let numbers = 0;
/** Numbers of one operator network, each test in its own 10,000-number prefix. */
const inPrefix = (prefix: string, last4: number) => `+447400${prefix}${String(last4).padStart(4, '0')}`;
const freshPrefix = () => String(10 + (numbers++ % 89));

beforeAll(async () => {
  h = await startAbuseServer({
    networkOf: async () => ({ network: '23415', operatorName: 'Abused Mobile' }),
  });
});
afterAll(() => h.close());

/** A start from `ip`, a second after the one before: people, not a spread attack on the network. */
const start = (phone: string, ip: string) => {
  h.clock.advance(1_000);
  return h.widget('verification.start', { phone, channel: 'sms' }, { ip });
};

describe('limits that refusals cannot spend', () => {
  it('1,000 starts refused at an IP over its limit lock out no number, prefix, country or site', {
    timeout: 180_000,
  }, async () => {
    const prefix = freshPrefix();
    const attackerIp = '198.51.100.7';
    // The attacker uses up its own IP's 10 sends (to its own numbers)…
    for (let index = 0; index < 10; index += 1) {
      expect((await start(inPrefix(prefix, 9_000 + index * 50), attackerIp)).data.status).toBe('pending');
    }
    // … then hammers the victim's number from that IP: every request refused, nothing sent.
    const victim = inPrefix(prefix, 1_234);
    for (let round = 0; round < 10; round += 1) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          h.widget('verification.start', { phone: victim, channel: 'sms' }, { ip: attackerIp }),
        ),
      );
      for (const answer of answers) expect(answer.error?.data.code).toBe('rate_limited');
    }
    expect(await h.a.inbox(victim)).toEqual([]);
    // The victim, from home, gets a code at once; so do neighbours in the same prefix and country.
    expect((await start(victim, '203.0.113.44')).data.status).toBe('pending');
    expect((await start(inPrefix(prefix, 4_321), '203.0.113.45')).data.status).toBe('pending');
    expect(await h.a.inbox(victim)).toHaveLength(1);
  });

  it('starts refused before sending are no pumping evidence; 5 adjacent sent numbers block only their prefix', {
    timeout: 60_000,
  }, async () => {
    const prefix = freshPrefix();
    // Refused (IP over its limit) adjacent starts: nothing sent, no block.
    const ip = '198.51.100.8';
    for (let index = 0; index < 10; index += 1) await start(inPrefix(prefix, 5_000 + index * 100), ip);
    for (let index = 0; index < 20; index += 1) {
      expect((await start(inPrefix(prefix, 100 + index), ip)).error?.data.code).toBe('rate_limited');
    }
    let blocks = await h.a.rest<NetworkBlocksOutput>('GET', '/v1/networks/blocks');
    expect(blocks.body.blocks).toEqual([]);

    // Five adjacent numbers that really got an SMS and were never verified: the prefix is blocked…
    for (let index = 0; index < 5; index += 1)
      await start(inPrefix(prefix, 200 + index), `198.51.101.${index}`);
    blocks = await h.a.rest<NetworkBlocksOutput>('GET', '/v1/networks/blocks');
    expect(blocks.body.blocks).toEqual([
      expect.objectContaining({ network: `+447400${prefix}`, scope: 'prefix', level: 1 }),
    ]);
    // … not the network: a user in another prefix of the same operator still gets an SMS.
    const other = inPrefix(freshPrefix(), 7_777);
    expect((await start(other, '203.0.113.50')).data).toMatchObject({ status: 'pending', channel: 'sms' });
  });
});

describe('codes and resends', () => {
  it('caps wrong codes per number across verifications: 10 in 24 h, then no code approves and no new send', {
    timeout: 60_000,
  }, async () => {
    const phone = inPrefix(freshPrefix(), 4_242);
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      h.clock.advance(1_000);
      const started = await h.a.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
        phone,
        workflow: [{ channel: 'sms' }],
      });
      ids.push(started.body.verification_id!);
      // REST answers the live verification for the number: cancel it so the next start is new.
      if (index < 2) await h.a.rest('POST', `/v1/verifications/${started.body.verification_id}/cancel`);
    }
    const code = await h.a.latestCode(phone);
    const third = ids[2]!;
    const second = await start(phone, '203.0.113.60');
    expect(second.data?.status, JSON.stringify(second.error)).toBe('pending');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await h.a.rest('POST', '/v1/phone/verify-otp', { verification_id: third, code: wrongCode(code) });
    }
    const fourth = await start(phone, '203.0.113.62');
    await h.widget(
      'verification.check',
      { verificationId: fourth.data.verificationId, code: '000000' },
      { ip: '203.0.113.62' },
    );
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await h.widget(
        'verification.check',
        { verificationId: second.data.verificationId, code: '000000' },
        { ip: '203.0.113.60' },
      );
    }
    // Nine wrong codes so far: the tenth is allowed, and after it the right code no longer works.
    await h.a.rest('POST', '/v1/phone/verify-otp', { verification_id: third, code: wrongCode(code) });
    const right = await h.a.rest('POST', '/v1/phone/verify-otp', { verification_id: third, code });
    expect(right.status).toBe(429);
    expect(right.body.error?.code).toBe('rate_limited');
    const again = await start(phone, '203.0.113.61');
    expect(again.error?.data.code).toBe('rate_limited');
  });

  it('the resend wait grows: 30 s, then 60 s, then 120 s', async () => {
    const phone = inPrefix(freshPrefix(), 3_131);
    h.clock.advance(1_000);
    const started = await h.a.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    const id = started.body.verification_id!;
    h.clock.advance(30_000);
    expect((await h.a.rest('POST', `/v1/verifications/${id}/resend`, {})).status).toBe(200);
    h.clock.advance(30_000);
    const early = await h.a.rest('POST', `/v1/verifications/${id}/resend`, {});
    expect(early.status).toBe(429);
    expect(early.body.error).toMatchObject({ code: 'resend_cooldown', details: { retry_after: 30 } });
    h.clock.advance(30_000);
    expect((await h.a.rest('POST', `/v1/verifications/${id}/resend`, {})).status).toBe(200);
    h.clock.advance(60_000);
    expect((await h.a.rest('POST', `/v1/verifications/${id}/resend`, {})).status).toBe(429);
  });

  it('with the default settings and limits a user can use every send max_sends allows', async () => {
    const phone = inPrefix(freshPrefix(), 6_262);
    const started = await start(phone, '203.0.113.70');
    const id = started.data.verificationId;
    // SMS, then WhatsApp, voice, SMS, WhatsApp: five sends, never "wait" from a rate limit.
    for (const [index, channel] of ['whatsapp', 'voice', 'sms', 'whatsapp'].entries()) {
      h.clock.advance(30_000 * 2 ** index);
      const resent = await h.widget(
        'verification.resend',
        { verificationId: id, channel },
        { ip: '203.0.113.70' },
      );
      expect(resent.error, JSON.stringify(resent.error)).toBeUndefined();
      expect(resent.data.channel).toBe(channel);
    }
    expect(await h.a.inbox(phone)).toHaveLength(5);
    h.clock.advance(600_000);
    const sixth = await h.widget('verification.resend', { verificationId: id }, { ip: '203.0.113.70' });
    expect(sixth.error?.data.code).toMatch(/^(max_sends_reached|verification_closed)$/);
  });

  it('refuses codes shorter than 6 digits, in a request and in the settings', async () => {
    const phone = inPrefix(freshPrefix(), 5_151);
    const send = await h.a.rest('POST', '/v1/phone/send-otp', { phone, code_length: 4 });
    expect(send.status).toBe(400);
    expect(send.body.error?.details).toEqual([expect.objectContaining({ path: 'code_length' })]);
    const settings = await h.a.rest('PUT', '/v1/settings/phone-verification', { code_length: 5 });
    expect(settings.status).toBe(400);
    expect(await h.a.inbox(phone)).toEqual([]);
  });
});
