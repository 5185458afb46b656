import type {
  SendOtpOutput,
  Settings,
  SiteverifyOutput,
  VerificationRecordView,
  VerifyOtpOutput,
} from '@proofline/shared';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codeIn, otpClient, uniqueMobile, wrongCode } from '../http/otp-client.js';
import { SITE_KEY, startSilentServer } from '../silent/harness.js';
import { startReceiver } from '../webhooks/receiver.js';

/**
 * Every site setting changing a real flow over HTTP, next to the same flow without it (the
 * defaults). Embedded sandbox operator, dev inbox, real Redis, a manual clock.
 */
let h: Awaited<ReturnType<typeof startSilentServer>>;
let defaults: Omit<Settings, 'webhook_secret' | 'webhook_status'>;
const day = 86_400_000;

beforeAll(async () => {
  h = await startSilentServer();
  // The read-only keys are not settings a PUT takes.
  const {
    webhook_secret: _secret,
    webhook_status: _status,
    ...current
  } = (await h.client.rest<Settings>('GET', '/v1/settings/phone-verification')).body as Settings;
  defaults = current;
});
afterAll(() => h.server.close());
afterEach(async () => {
  const restored = await h.client.rest('PUT', '/v1/settings/phone-verification', defaults);
  expect(restored.status).toBe(200);
  const { body } = await h.client.rest<{ rules: { rule_id: string }[] }>('GET', '/v1/workflows/rules');
  for (const rule of body.rules ?? []) await h.client.rest('DELETE', `/v1/workflows/rules/${rule.rule_id}`);
});

async function put(patch: Record<string, unknown>) {
  const answer = await h.client.rest<Settings>('PUT', '/v1/settings/phone-verification', patch);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

const sendOtp = (body: Record<string, unknown>) =>
  h.client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', body);
const verifyOtp = (verificationId: string, code: string) =>
  h.client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', { verification_id: verificationId, code });
const record = async (id: string) =>
  (await h.client.rest<VerificationRecordView>('GET', `/v1/verifications/${id}`)).body;
const siteverify = async (token: string) =>
  (await h.client.rest<SiteverifyOutput>('POST', '/v1/siteverify', { response: token })).body;
const subscriber = (phone: string, body: Record<string, unknown>) =>
  h.sandbox('PUT', `/subscribers/${encodeURIComponent(phone)}`, body);

describe('require_otp', () => {
  it('true (default): a low-risk mobile number must prove itself with a code', async () => {
    const phone = uniqueMobile();
    const sent = await sendOtp({ phone });
    expect(sent.body).toMatchObject({ status: 'pending', channel: 'sms' });
    expect(sent.body.token).toBeUndefined();
    expect(await h.client.inbox(phone)).toHaveLength(1);
  });

  it('false: the same number is approved at the start without a message — method lookup everywhere', async () => {
    await put({ require_otp: false });
    const phone = uniqueMobile();
    const sent = await sendOtp({ phone, applicant_id: 'app-42' });
    expect(sent.body).toMatchObject({ status: 'approved', channel: null, to: null });
    expect(await h.client.inbox(phone)).toEqual([]);
    expect(await record(sent.body.verification_id!)).toMatchObject({
      status: 'approved',
      method: 'lookup',
      channel: null,
      workflow: [],
      applicant_id: 'app-42',
      risk: { risk_level: 'low' },
      // Checked, never proven: the record does not claim possession.
      verified: { phone, phone_verified: false, email: null },
    });
    expect(decodeJwt(sent.body.token!)).toMatchObject({ method: 'lookup', channel: null, phone });
    expect(await siteverify(sent.body.token!)).toMatchObject({
      success: true,
      method: 'lookup',
      channel: null,
      phone,
      phone_verified: false,
      applicant_id: 'app-42',
      risk: { risk_score: expect.any(Number), risk_level: 'low' },
    });

    // The widget sees it approved at once, with its token.
    const widget = await h.start(uniqueMobile(), { connection: 'wifi' });
    expect(widget.data).toMatchObject({ status: 'approved', method: 'lookup', channel: null });
    expect(decodeJwt(widget.data.token!).method).toBe('lookup');
  });

  it('false still sends a code to a VoIP line, a recently swapped SIM, or when a rule asks for one', async () => {
    await put({ require_otp: false, risk_weights: { recent_sim_swap: 0 } });
    const voip = '+445612345699';
    await subscriber(voip, { line_type: 'voip', operator_name: 'Sandbox VoIP' });
    expect((await sendOtp({ phone: voip })).body).toMatchObject({ status: 'pending', channel: 'sms' });

    // Weighted to nothing, the swap leaves the risk low: the SIM-swap window itself asks for the code.
    const swapped = uniqueMobile();
    await subscriber(swapped, { sim_changed_at: new Date(h.clock.now() - 2 * day).toISOString() });
    const afterSwap = await sendOtp({ phone: swapped });
    expect(afterSwap.body).toMatchObject({ status: 'pending', channel: 'sms' });
    expect((await record(afterSwap.body.verification_id!)).risk?.risk_level).toBe('low');

    await h.client.rest('POST', '/v1/workflows/rules', {
      rule_id: 'always-code-in-gb',
      trigger: 'verification_started',
      conditions: { all: [{ field: 'country', operator: 'eq', value: 'GB' }] },
      actions: [{ type: 'require_otp' }],
    });
    expect((await sendOtp({ phone: uniqueMobile() })).body).toMatchObject({
      status: 'pending',
      channel: 'sms',
    });
  });
});

describe('expiry, attempts, sends, cooldown, code length', () => {
  it('otp_expiry_minutes: 2 → the right code is refused as expired after 2 minutes; default 10 → still good', async () => {
    const fresh = uniqueMobile();
    const standard = await sendOtp({ phone: fresh });
    await put({ otp_expiry_minutes: 2 });
    const short = uniqueMobile();
    const quick = await sendOtp({ phone: short });
    expect(Date.parse(quick.body.expires_at!) - h.clock.now()).toBe(2 * 60_000);
    h.clock.advance(2 * 60_000);
    const late = await verifyOtp(quick.body.verification_id!, await h.client.latestCode(short));
    expect(late.body.verification_status).toBe('expired');
    const good = await verifyOtp(standard.body.verification_id!, await h.client.latestCode(fresh));
    expect(good.body.verification_status).toBe('verified');
  });

  it('max_otp_attempts: 2 → two wrong codes end it; default → two wrong codes leave three attempts', async () => {
    const phone = uniqueMobile();
    const sent = await sendOtp({ phone });
    const wrong = wrongCode(await h.client.latestCode(phone));
    await verifyOtp(sent.body.verification_id!, wrong);
    const second = await verifyOtp(sent.body.verification_id!, wrong);
    expect(second.body).toMatchObject({ verification_status: 'pending', attempts_left: 3 });

    await put({ max_otp_attempts: 2 });
    const strict = uniqueMobile();
    const limited = await sendOtp({ phone: strict });
    const miss = wrongCode(await h.client.latestCode(strict));
    expect((await verifyOtp(limited.body.verification_id!, miss)).body.attempts_left).toBe(1);
    expect((await verifyOtp(limited.body.verification_id!, miss)).body.verification_status).toBe(
      'max_attempts_reached',
    );
  });

  it('max_sends: 2 → the second resend is refused; default → it goes', async () => {
    await put({ resend_cooldown_seconds: 0 });
    const resend = (id: string) => h.client.rest('POST', `/v1/verifications/${id}/resend`, {});
    const open = await sendOtp({ phone: uniqueMobile() });
    await resend(open.body.verification_id!);
    expect((await resend(open.body.verification_id!)).status).toBe(200);

    await put({ max_sends: 2 });
    const capped = await sendOtp({ phone: uniqueMobile() });
    expect((await resend(capped.body.verification_id!)).status).toBe(200);
    const refused = await resend(capped.body.verification_id!);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('max_sends_reached');
  });

  it('resend_cooldown_seconds: 0 → an immediate resend goes; default 30 → 429 with Retry-After', async () => {
    const early = await sendOtp({ phone: uniqueMobile() });
    const waiting = await h.client.rest('POST', `/v1/verifications/${early.body.verification_id}/resend`, {});
    expect(waiting.status).toBe(429);
    expect(waiting.headers.get('retry-after')).toBe('30');

    await put({ resend_cooldown_seconds: 0 });
    const phone = uniqueMobile();
    const now = await sendOtp({ phone });
    const again = await h.client.rest('POST', `/v1/verifications/${now.body.verification_id}/resend`, {});
    expect(again.status).toBe(200);
    expect(await h.client.inbox(phone)).toHaveLength(2);
  });

  it('code_length: 8 → eight-digit codes; default → six', async () => {
    const phone = uniqueMobile();
    await sendOtp({ phone });
    expect(await h.client.latestCode(phone)).toMatch(/^\d{6}$/);
    await put({ code_length: 8 });
    const longer = uniqueMobile();
    await sendOtp({ phone: longer });
    expect(await h.client.latestCode(longer)).toMatch(/^\d{8}$/);
  });
});

describe('channels and silent', () => {
  it('channels: whatsapp first → the first code goes by WhatsApp; default → SMS', async () => {
    expect((await sendOtp({ phone: uniqueMobile() })).body.channel).toBe('sms');
    await put({ channels: ['whatsapp', 'sms'] });
    const phone = uniqueMobile();
    expect((await sendOtp({ phone })).body.channel).toBe('whatsapp');
    expect((await h.client.inbox(phone)).map((message) => message.channel)).toEqual(['whatsapp']);
  });

  it('silent: false → a widget on mobile data gets a code; default → the silent step', async () => {
    await h.startSilent(uniqueMobile());
    await put({ silent: false });
    const started = await h.start(uniqueMobile(), { connection: 'cellular' });
    expect(started.data).toMatchObject({ method: 'otp', channel: 'sms' });
    expect(started.data.silent).toBeUndefined();
  });
});

describe('line types', () => {
  // Each send its own number: send-otp answers a live verification of the same number as it is.
  let last = 9000;
  const voipLine = async () => {
    last += 1;
    const phone = `+44561234${last}`;
    await subscriber(phone, { line_type: 'voip', operator_name: 'Sandbox VoIP' });
    return phone;
  };

  it('block_voip: true → 403 line_type_not_allowed; default → the VoIP line gets a code', async () => {
    expect((await sendOtp({ phone: await voipLine() })).body.status).toBe('pending');
    await put({ block_voip: true });
    const refused = await sendOtp({ phone: await voipLine() });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('line_type_not_allowed');
  });

  it('flag_voip: default → the verification is flagged voip; false → not', async () => {
    const flagged = await sendOtp({ phone: await voipLine() });
    expect((await record(flagged.body.verification_id!)).flags).toContain('voip');
    await put({ flag_voip: false });
    const plain = await sendOtp({ phone: await voipLine() });
    expect((await record(plain.body.verification_id!)).flags).not.toContain('voip');
  });

  it('block_virtual: true → 403; default → the virtual number gets a code', async () => {
    expect((await sendOtp({ phone: '+447012345679' })).body.status).toBe('pending');
    await put({ block_virtual: true });
    const refused = await sendOtp({ phone: '+447012345677' });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('line_type_not_allowed');
  });

  it('block_premium: default → a premium-rate number is refused; false → it can be called', async () => {
    const premium = '+449012345678';
    const refused = await sendOtp({ phone: premium, channel: 'voice' });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('line_type_not_allowed');
    await put({ block_premium: false });
    const called = await sendOtp({ phone: premium, channel: 'voice' });
    expect(called.body).toMatchObject({ status: 'pending', channel: 'voice' });
  });
});

describe('SIM swap', () => {
  /** A verification of a number whose SIM changed `days` ago, approved: its record and token claims. */
  const swappedDaysAgo = async (days: number) => {
    const phone = uniqueMobile();
    await subscriber(phone, { sim_changed_at: new Date(h.clock.now() - days * day).toISOString() });
    const sent = await sendOtp({ phone });
    const verified = await verifyOtp(sent.body.verification_id!, await h.client.latestCode(phone));
    expect(verified.body.verification_status).toBe('verified');
    return { ...(await record(sent.body.verification_id!)), claims: decodeJwt(verified.body.token!) };
  };

  it('sim_swap_check: default → a SIM changed 2 days ago flags the verification; false → no flag', async () => {
    const swapped = await swappedDaysAgo(2);
    expect(swapped.flags).toContain('sim_swap');
    expect(swapped.claims.flags).toContain('sim_swap');
    await put({ sim_swap_check: false });
    expect((await swappedDaysAgo(2)).flags).not.toContain('sim_swap');
  });

  it('with the default settings the SIM change is asked at the approval: the token reports it, the pending record not yet', async () => {
    const phone = uniqueMobile();
    await subscriber(phone, { sim_changed_at: new Date(h.clock.now() - 2 * day).toISOString() });
    const sent = await sendOtp({ phone });
    const pending = await record(sent.body.verification_id!);
    expect(pending.flags).not.toContain('sim_swap');
    expect(pending.risk?.factors.map((factor) => factor.factor)).not.toContain('recent_sim_swap');
    const before = pending.risk?.risk_score ?? 0;
    const verified = await verifyOtp(sent.body.verification_id!, await h.client.latestCode(phone));
    expect(verified.body.phone_intelligence).toMatchObject({ risk_score: before + 35, risk_level: 'medium' });
    const claims = decodeJwt(verified.body.token!);
    expect(claims).toMatchObject({ risk_score: before + 35, risk_level: 'medium' });
    expect(claims.flags).toContain('sim_swap');
    const approved = await record(sent.body.verification_id!);
    expect(approved.risk?.factors.map((factor) => factor.factor).sort()).toEqual(
      [...(pending.risk?.factors ?? []).map((factor) => factor.factor), 'recent_sim_swap'].sort(),
    );
  });

  it('a SIM changed after the start, while the code is on its way, is in the token (the SIM-swap attack on codes)', async () => {
    const phone = uniqueMobile();
    const sent = await sendOtp({ phone });
    await subscriber(phone, { sim_changed_at: new Date(h.clock.now()).toISOString() });
    const verified = await verifyOtp(sent.body.verification_id!, await h.client.latestCode(phone));
    const claims = decodeJwt(verified.body.token!);
    expect(claims.flags).toContain('sim_swap');
    expect(claims.risk_level).not.toBe('low');
  });

  it('sim_swap_threshold_days: default 7 → a change 10 days ago is not recent; 14 → it is', async () => {
    const old = await swappedDaysAgo(10);
    expect(old.flags).not.toContain('sim_swap');
    expect(old.risk?.factors.map((factor) => factor.factor)).not.toContain('recent_sim_swap');
    await put({ sim_swap_threshold_days: 14 });
    const recent = await swappedDaysAgo(10);
    expect(recent.flags).toContain('sim_swap');
    expect(recent.risk?.factors.map((factor) => factor.factor)).toContain('recent_sim_swap');
  });
});

describe('countries, origins, brand, language, app hash', () => {
  it('allowed_countries: [GB] → a French number is refused; default → it gets a code', async () => {
    expect((await sendOtp({ phone: '+33612345671' })).body.status).toBe('pending');
    await put({ allowed_countries: ['GB'] });
    const refused = await sendOtp({ phone: '+33612345672' });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('country_not_allowed');
  });

  it('allowed_origins: only the shop → the dev page is refused, the shop is served; default → the dev page', async () => {
    expect((await h.start(uniqueMobile(), { connection: 'wifi' })).status).toBe(200);
    await put({ allowed_origins: ['https://shop.example.com'] });
    const refused = await h.start(uniqueMobile(), { connection: 'wifi' });
    expect(refused.error?.data.code).toBe('origin_not_allowed');
    const shop = otpClient(h.server.url, { origin: 'https://shop.example.com' });
    const served = await shop.trpc('mutation', 'verification.start', {
      siteKey: SITE_KEY,
      phone: uniqueMobile(),
      connection: 'wifi',
    });
    expect(served.status).toBe(200);
  });

  it('brand: names the site in the message; default → the site’s own name', async () => {
    const phone = uniqueMobile();
    await sendOtp({ phone });
    expect((await h.client.inbox(phone))[0]?.body).toMatch(
      new RegExp(`^${defaults.brand}: your verification code`),
    );
    await put({ brand: 'Acme Shop' });
    const branded = uniqueMobile();
    await sendOtp({ phone: branded });
    expect((await h.client.inbox(branded))[0]?.body).toMatch(/^Acme Shop: your verification code/);
  });

  it('locale: fr → the message is in French; default (auto) → English for a British number', async () => {
    const phone = uniqueMobile();
    await sendOtp({ phone });
    expect((await h.client.inbox(phone))[0]?.body).toContain('your verification code');
    await put({ locale: 'fr' });
    const french = uniqueMobile();
    await sendOtp({ phone: french });
    expect((await h.client.inbox(french))[0]?.body).toContain('votre code de vérification');
  });

  it('android_app_hash: the SMS carries the hash above its origin-bound line; default → no hash', async () => {
    const phone = uniqueMobile();
    await sendOtp({ phone });
    const plain = (await h.client.inbox(phone))[0]!.body.split('\n');
    expect(plain).toHaveLength(2);
    await put({ android_app_hash: 'FA+9qCX9VSu' });
    const hashed = uniqueMobile();
    await sendOtp({ phone: hashed });
    const lines = (await h.client.inbox(hashed))[0]!.body.split('\n');
    expect(lines.at(-2)).toBe('FA+9qCX9VSu');
    expect(lines.at(-1)).toMatch(/^@\S+ #\d{6}$/);
  });
});

describe('webhook_url', () => {
  it('set → approvals reach the site signed, with applicant_id; unset → nothing is queued', async () => {
    const receiver = await startReceiver();
    try {
      const before = uniqueMobile();
      const unsent = await sendOtp({ phone: before, applicant_id: 'app-before' });
      await verifyOtp(unsent.body.verification_id!, await h.client.latestCode(before));
      await put({ webhook_url: receiver.url });
      const phone = uniqueMobile();
      const sent = await sendOtp({ phone, applicant_id: 'app-after' });
      await verifyOtp(sent.body.verification_id!, await h.client.latestCode(phone));
      await receiver.receivedCount(1);
      const bodies = receiver.received.map(
        (hook) => JSON.parse(hook.body) as { type: string; data: VerificationRecordView },
      );
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toMatchObject({
        type: 'verification.approved',
        data: { verification_id: sent.body.verification_id, applicant_id: 'app-after', info_needed: [] },
      });
    } finally {
      await put({ webhook_url: null });
      await receiver.close();
    }
  });
});

describe('test_numbers', () => {
  it('a test number gets no message and verifies with its fixed code, marked test in token and siteverify', async () => {
    const phone = uniqueMobile();
    const saved = await put({ test_numbers: [{ phone: phone.slice(1), code: '246810' }] });
    expect(saved.test_numbers).toEqual([{ phone, code: '246810' }]);
    const sent = await sendOtp({ phone });
    expect(sent.body).toMatchObject({ status: 'pending', channel: 'sms' });
    expect(await h.client.inbox(phone)).toEqual([]);
    const verified = await verifyOtp(sent.body.verification_id!, '246810');
    expect(verified.body.verification_status).toBe('verified');
    expect(decodeJwt(verified.body.token!)).toMatchObject({ test: true, phone });
    expect(await siteverify(verified.body.token!)).toMatchObject({ success: true, test: true, phone });
    expect((await record(sent.body.verification_id!)).test).toBe(true);

    // In the widget on mobile data too: no silent step, no message, the fixed code approves.
    const reviewer = uniqueMobile();
    await put({ test_numbers: [{ phone: reviewer, code: '135790' }] });
    const started = await h.start(reviewer, { connection: 'cellular' });
    expect(started.data).toMatchObject({ status: 'pending', method: 'otp', channel: 'sms' });
    expect(await h.client.inbox(reviewer)).toEqual([]);
    const checked = await h.client.trpc('mutation', 'verification.check', {
      siteKey: SITE_KEY,
      verificationId: started.data.verificationId,
      code: '135790',
    });
    expect(checked.data).toMatchObject({ status: 'approved' });
    expect(decodeJwt(checked.data.token!).test).toBe(true);
  });

  it('without it (or once expired) the number is sent a real code and the fixed code is wrong', async () => {
    const phone = uniqueMobile();
    const expiresAt = new Date(h.clock.now() + 60_000).toISOString();
    await put({ test_numbers: [{ phone, code: '246810', expires_at: expiresAt }] });
    h.clock.advance(60_000);
    const sent = await sendOtp({ phone });
    expect(await h.client.inbox(phone)).toHaveLength(1);
    const code = codeIn((await h.client.inbox(phone))[0]!.body);
    const attempt = await verifyOtp(sent.body.verification_id!, code === '246810' ? '135790' : '246810');
    expect(attempt.body.verification_status).toBe('pending');
    const verified = await verifyOtp(sent.body.verification_id!, code);
    expect(decodeJwt(verified.body.token!).test).toBe(false);
    expect(await siteverify(verified.body.token!)).toMatchObject({ success: true, test: false });
  });

  it('refuses more than 20, a number that is not valid, and the same number twice', async () => {
    const many = Array.from({ length: 21 }, (_, index) => ({
      phone: `+4474001234${String(index).padStart(2, '0')}`,
      code: '123456',
    }));
    const tooMany = await h.client.rest('PUT', '/v1/settings/phone-verification', { test_numbers: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error?.details).toEqual([expect.objectContaining({ path: 'test_numbers' })]);
    const invalid = await h.client.rest('PUT', '/v1/settings/phone-verification', {
      test_numbers: [{ phone: '+44123', code: '123456' }],
    });
    expect(invalid.body.error?.details).toEqual([expect.objectContaining({ path: 'test_numbers.0.phone' })]);
    const twice = await h.client.rest('PUT', '/v1/settings/phone-verification', {
      test_numbers: [
        { phone: '+447400123456', code: '123456' },
        { phone: '447400123456', code: '654321' },
      ],
    });
    expect(twice.body.error?.details).toEqual([expect.objectContaining({ path: 'test_numbers.1.phone' })]);
  });
});
