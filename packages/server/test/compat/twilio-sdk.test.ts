import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock/index.js';
import { verificationIdOfSid } from '../../src/compat/ids.js';
import { defaultFraudPolicy } from '../../src/fraud/index.js';
import type { RunningProofline } from '../../src/index.js';
import { otpClient, uniqueMobile, wrongCode } from '../http/otp-client.js';
import { demoTwilio, startCompatServer, twilioClient } from './harness.js';

/**
 * The official `twilio` client against Proofline over real HTTP, with only the host changed (a
 * RequestClient that rewrites it): the same verification service, limits and blocks as `/v1`, in
 * Twilio's resources and error codes.
 */
/** Codes one number may receive in 10 minutes under the default policy. */
const perNumber = defaultFraudPolicy.rateLimits.number[0]!.points;
let server: RunningProofline;
let clock: ManualClock;
let verify: ReturnType<ReturnType<typeof twilioClient>['verify']['v2']['services']>;
let client: ReturnType<typeof otpClient>;

beforeAll(async () => {
  ({ server, clock } = await startCompatServer());
  verify = twilioClient(server.url).verify.v2.services(demoTwilio.serviceSid);
  client = otpClient(server.url);
});
afterAll(() => server?.close());

type RestException = { status: number; code: number; message: string; moreInfo: string };

/** The SDK throws a RestException carrying Twilio's error body. */
async function failure(work: Promise<unknown>): Promise<RestException> {
  return (await work.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: unknown) => caught,
  )) as RestException;
}

describe('Twilio Verify v2 through the twilio package', () => {
  it('create → code from the dev inbox → check → approved, on the same service as /v1', async () => {
    const phone = uniqueMobile();
    const created = await verify.verifications.create({ to: phone, channel: 'sms' });
    expect(created).toMatchObject({
      serviceSid: demoTwilio.serviceSid,
      accountSid: demoTwilio.accountSid,
      to: phone,
      channel: 'sms',
      status: 'pending',
      valid: false,
    });
    expect(created.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(created.sendCodeAttempts).toEqual([
      { attempt_sid: expect.stringMatching(/^VL[0-9a-f]{32}$/), channel: 'sms', time: expect.any(String) },
    ]);
    expect(created.dateCreated).toBeInstanceOf(Date);
    expect(created.url).toBe(
      `${server.url}/v2/Services/${demoTwilio.serviceSid}/Verifications/${created.sid}`,
    );

    const check = await verify.verificationChecks.create({ to: phone, code: await client.latestCode(phone) });
    expect(check).toMatchObject({
      sid: created.sid,
      status: 'approved',
      valid: true,
      to: phone,
      channel: 'sms',
    });
    const native = await client.rest('GET', `/v1/verifications/${verificationIdOfSid(created.sid)}`);
    expect(native.body).toMatchObject({ status: 'approved', phone });
    expect((await verify.verifications(created.sid).fetch()).status).toBe('approved');

    // Twilio forgets an approved verification: a second check is 20404.
    const again = await failure(verify.verificationChecks.create({ to: phone, code: '123456' }));
    expect(again).toMatchObject({ status: 404, code: 20404 });
    expect(again.moreInfo).toBe('https://www.twilio.com/docs/errors/20404');
  });

  it('one service: a verification sent by /v1 send-otp is checked through the Twilio API', async () => {
    const phone = uniqueMobile();
    const sent = await client.rest<{ verification_id: string }>('POST', '/v1/phone/send-otp', { phone });
    expect(sent.status).toBe(200);
    const check = await verify.verificationChecks.create({ to: phone, code: await client.latestCode(phone) });
    expect(check).toMatchObject({ status: 'approved', valid: true });
    expect(verificationIdOfSid(check.sid)).toBe(sent.body.verification_id);
  });

  it('a wrong code answers pending and not valid; the check by VerificationSid then approves', async () => {
    const phone = uniqueMobile();
    const { sid } = await verify.verifications.create({ to: phone, channel: 'sms' });
    const code = await client.latestCode(phone);
    const wrong = await verify.verificationChecks.create({ verificationSid: sid, code: wrongCode(code) });
    expect(wrong).toMatchObject({ status: 'pending', valid: false });
    const right = await verify.verificationChecks.create({ verificationSid: sid, code });
    expect(right).toMatchObject({ status: 'approved', valid: true });
  });

  it('the fifth wrong code is 60202 Max check attempts reached, and so is the right code after it', async () => {
    const phone = uniqueMobile();
    const { sid } = await verify.verifications.create({ to: phone, channel: 'sms' });
    const code = await client.latestCode(phone);
    for (let attempt = 1; attempt < 5; attempt++) {
      expect((await verify.verificationChecks.create({ to: phone, code: wrongCode(code) })).status).toBe(
        'pending',
      );
    }
    const last = await failure(verify.verificationChecks.create({ to: phone, code: wrongCode(code) }));
    expect(last).toMatchObject({ status: 429, code: 60202, message: 'Max check attempts reached' });
    const after = await failure(verify.verificationChecks.create({ verificationSid: sid, code }));
    expect(after).toMatchObject({ status: 429, code: 60202 });
  });

  it('update to canceled ends the verification; approving without the code is refused', async () => {
    const phone = uniqueMobile();
    const { sid } = await verify.verifications.create({ to: phone, channel: 'sms' });
    const approve = await failure(verify.verifications(sid).update({ status: 'approved' }));
    expect(approve).toMatchObject({ status: 400, code: 60200 });
    const canceled = await verify.verifications(sid).update({ status: 'canceled' });
    expect(canceled).toMatchObject({ sid, status: 'canceled', valid: false });
    const check = await failure(
      verify.verificationChecks.create({ verificationSid: sid, code: await client.latestCode(phone) }),
    );
    expect(check).toMatchObject({ status: 404, code: 20404 });
    expect(await failure(verify.verifications(sid).update({ status: 'canceled' }))).toMatchObject({
      code: 20404,
    });
    expect(await failure(verify.verifications(`VE${'0'.repeat(32)}`).fetch())).toMatchObject({
      status: 404,
      code: 20404,
    });
  });

  it('a create naming another channel sends the code over it', async () => {
    const phone = uniqueMobile();
    const first = await verify.verifications.create({ to: phone, channel: 'sms' });
    clock.advance(30_000);
    const switched = await verify.verifications.create({ to: phone, channel: 'whatsapp' });
    // As at Twilio: the same verification, now on WhatsApp, with both sends listed.
    expect(switched).toMatchObject({ sid: first.sid, channel: 'whatsapp', status: 'pending' });
    expect(switched.sendCodeAttempts.map((attempt: { channel: string }) => attempt.channel)).toEqual([
      'sms',
      'whatsapp',
    ]);
    const [latest] = await client.inbox(phone);
    expect(latest!.channel).toBe('whatsapp');
    const check = await verify.verificationChecks.create({
      verificationSid: switched.sid,
      code: await client.latestCode(phone),
    });
    expect(check).toMatchObject({ status: 'approved', channel: 'whatsapp' });
  });

  it('CustomFriendlyName and Locale shape the message', async () => {
    const phone = uniqueMobile();
    await verify.verifications.create({
      to: phone,
      channel: 'sms',
      customFriendlyName: 'Boutique',
      locale: 'fr',
    });
    const [message] = await client.inbox(phone);
    expect(message!.body).toContain('Boutique');
    expect(message!.body).toMatch(/code de v/i);
  });

  it('a second create resends on the same verification, within the resend cooldown', async () => {
    const phone = uniqueMobile();
    const first = await verify.verifications.create({ to: phone, channel: 'sms' });
    clock.advance(1_000);
    const tooSoon = await failure(verify.verifications.create({ to: phone, channel: 'sms' }));
    expect(tooSoon).toMatchObject({ status: 429, code: 60203 });
    clock.advance(29_000);
    const again = await verify.verifications.create({ to: phone, channel: 'sms' });
    expect(again.sid).toBe(first.sid);
    expect(again.sendCodeAttempts).toHaveLength(2);
    expect((await client.inbox(phone)).length).toBe(2);
    const check = await verify.verificationChecks.create({ to: phone, code: await client.latestCode(phone) });
    expect(check.status).toBe('approved');
  });

  it('an invalid number is 60200 Invalid parameter `To`', async () => {
    const invalid = await failure(verify.verifications.create({ to: '+44123', channel: 'sms' }));
    expect(invalid).toMatchObject({ status: 400, code: 60200, message: 'Invalid parameter `To`' });
  });

  it('a premium-rate destination is refused before anything is sent', async () => {
    const premium = '+449098790000';
    const refused = await failure(verify.verifications.create({ to: premium, channel: 'sms' }));
    expect(refused).toMatchObject({
      status: 400,
      code: 60205,
      message: 'This kind of phone line is not accepted.',
    });
    expect(await client.inbox(premium)).toEqual([]);
  });

  it('the per-number send limit is 60203 Max send attempts reached', async () => {
    const phone = uniqueMobile();
    for (let send = 0; send < perNumber; send++) {
      const { sid } = await verify.verifications.create({ to: phone, channel: 'sms' });
      await verify.verifications(sid).update({ status: 'canceled' });
    }
    const limited = await failure(verify.verifications.create({ to: phone, channel: 'sms' }));
    expect(limited).toMatchObject({ status: 429, code: 60203, message: 'Max send attempts reached' });
    expect((await client.inbox(phone)).length).toBe(perNumber);
  });
});

describe('Twilio facade details', () => {
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const post = (
    path: string,
    body: string,
    authorization = basic(demoTwilio.accountSid, demoTwilio.authToken),
  ) =>
    fetch(`${server.url}/v2/Services/${path}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });

  it('takes Basic auth with the AC… SID and auth token, and only the site’s VA… service', async () => {
    const to = encodeURIComponent(uniqueMobile());
    for (const authorization of [
      basic(demoTwilio.accountSid, 'wrong-token-000000'),
      basic(`AC${'f'.repeat(32)}`, demoTwilio.authToken),
      'Bearer sk_test_demo',
    ]) {
      const refused = await post(
        `${demoTwilio.serviceSid}/Verifications`,
        `To=${to}&Channel=sms`,
        authorization,
      );
      expect(refused.status, authorization).toBe(401);
      expect(await refused.json()).toMatchObject({ code: 20003, status: 401 });
    }
    const otherService = await post(`VA${'f'.repeat(32)}/Verifications`, `To=${to}&Channel=sms`);
    expect(otherService.status).toBe(404);
    expect(await otherService.json()).toMatchObject({ code: 20404 });
  });

  it('bad parameters are 60200 naming the parameter, never 5xx', async () => {
    const to = encodeURIComponent(uniqueMobile());
    const cases: [string, string, string][] = [
      ['Verifications', `To=${to}&Channel=fax`, 'Invalid parameter `Channel`'],
      ['Verifications', `To=${to}&Channel=sms&CustomCode=123456`, 'Invalid parameter'],
      ['Verifications', `Channel=sms`, 'Invalid parameter `To`'],
      ['Verifications', `To=${to}&To=${to}&Channel=sms`, 'Invalid parameter `To`'],
      ['VerificationCheck', 'Code=123456', 'Invalid parameter `To`'],
      ['VerificationCheck', `To=${to}&Code=12ab`, 'Invalid parameter `Code`'],
    ];
    for (const [resource, body, message] of cases) {
      const answer = await post(`${demoTwilio.serviceSid}/${resource}`, body);
      expect(answer.status, body).toBe(400);
      expect(await answer.json(), body).toMatchObject({ code: 60200, message, status: 400 });
    }
    const malformed = await fetch(`${server.url}/v2/Services/${demoTwilio.serviceSid}/Verifications`, {
      method: 'POST',
      headers: {
        authorization: basic(demoTwilio.accountSid, demoTwilio.authToken),
        'content-type': 'application/json',
      },
      body: '{"To":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ status: 400 });
  });
});

describe('Twilio facade and the fraud guard', () => {
  it('a send stopped by a network block is 60410, and the record says blocked', async () => {
    const phone = uniqueMobile();
    await server.deps.fraud.blocks.impose('pk_test_demo', '00101', 'Sandbox', 'pumping');
    try {
      const blocked = await failure(verify.verifications.create({ to: phone, channel: 'sms' }));
      expect(blocked).toMatchObject({ status: 403, code: 60410 });
      expect(await client.inbox(phone)).toEqual([]);
    } finally {
      await server.deps.fraud.blocks.unblock('pk_test_demo', '00101', 86_400);
    }
  });
});
