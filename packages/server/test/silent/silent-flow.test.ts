import type { SiteverifyOutput, VerificationRecordView } from '@proofline/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { uniqueMobile } from '../http/otp-client.js';
import { startSilentServer } from './harness.js';

/**
 * Silent verification over real HTTP: the widget's start, the operator's authorize step (the
 * embedded sandbox, its device set by the admin API), our callback, and the fallback to a code.
 */
let h: Awaited<ReturnType<typeof startSilentServer>>;
beforeAll(async () => {
  h = await startSilentServer();
});
afterAll(() => h.server.close());
afterEach(async () => {
  await h.sandbox('PUT', '/latency', { ms: 0 });
  await h.sandbox('PUT', '/device', { phone: null });
});

const record = (id: string) => h.client.rest<VerificationRecordView>('GET', `/v1/verifications/${id}`);
const timings: number[] = [];

describe('silent verification (fetch mode)', () => {
  it('device on the typed number → approved with a token, no message sent', async () => {
    const phone = uniqueMobile();
    await h.sandbox('PUT', '/device', { phone });
    const began = performance.now();
    const started = await h.startSilent(phone);
    expect(Date.parse(started.silent!.expiresAt) - h.clock.now()).toBe(5_000);
    const authUrl = new URL(started.silent!.authUrl);
    expect(Object.fromEntries(authUrl.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'sandbox-client',
      scope: 'openid dpv:FraudPreventionAndDetection number-verification:verify',
      redirect_uri: `${h.server.url}/v1/silent/callback`,
      code_challenge_method: 'S256',
      prompt: 'none',
    });
    expect(authUrl.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authUrl.searchParams.has('login_hint')).toBe(false);

    const hops = await h.follow(started.silent!.authUrl);
    expect(hops.map((hop) => hop.status)).toEqual([302, 200]);
    expect(JSON.parse(hops[1]!.body)).toEqual({
      verification_id: started.verificationId,
      status: 'approved',
      method: 'silent',
    });
    const polled = await h.get(started.verificationId);
    timings.push(performance.now() - began);
    expect(polled.data).toMatchObject({ status: 'approved', method: 'silent', channel: null });
    expect(polled.data.token).toEqual(expect.any(String));
    // Every read answers the same token: one jti, redeemable once.
    expect((await h.get(started.verificationId)).data.token).toBe(polled.data.token);
    expect(await h.client.inbox(phone)).toEqual([]);

    const redeemed = await h.client.rest<SiteverifyOutput>('POST', '/v1/siteverify', {
      response: polled.data.token,
    });
    expect(redeemed.body).toMatchObject({ success: true, phone, method: 'silent', channel: null });
    const again = await h.client.rest<SiteverifyOutput>('POST', '/v1/siteverify', {
      response: polled.data.token,
    });
    expect(again.body.success).toBe(false);
    expect((await record(started.verificationId)).body).toMatchObject({
      status: 'approved',
      method: 'silent',
      workflow: [{ channel: 'silent', status: 'approved' }],
    });
  });

  it('device on another number → falls back to SMS, the code arrives, no retyping', async () => {
    const phone = uniqueMobile();
    await h.sandbox('PUT', '/device', { phone: uniqueMobile() });
    const started = await h.startSilent(phone);
    const hops = await h.follow(started.silent!.authUrl);
    expect(JSON.parse(hops.at(-1)!.body)).toMatchObject({ status: 'pending', method: 'otp' });

    const polled = await h.get(started.verificationId);
    expect(polled.data).toMatchObject({ status: 'pending', method: 'otp', channel: 'sms' });
    expect(polled.data.silent).toBeUndefined();
    const [message] = await h.client.inbox(phone);
    expect(message?.channel).toBe('sms');
    const checked = await h.client.trpc('mutation', 'verification.check', {
      siteKey: 'pk_test_demo',
      verificationId: started.verificationId,
      code: await h.client.latestCode(phone),
    });
    expect(checked.data).toMatchObject({ status: 'approved', method: 'otp', channel: 'sms' });
    expect((await record(started.verificationId)).body.workflow).toEqual([
      expect.objectContaining({ channel: 'silent', status: 'failed', reason: 'silent_number_mismatch' }),
      expect.objectContaining({ channel: 'sms', status: 'approved' }),
    ]);
  });

  it('no device on the network (Wi-Fi) → access_denied → falls back to SMS', async () => {
    const phone = uniqueMobile();
    const started = await h.startSilent(phone);
    const hops = await h.follow(started.silent!.authUrl);
    expect(new URL(hops[0]!.location!).searchParams.get('error')).toBe('access_denied');
    expect((await h.get(started.verificationId)).data).toMatchObject({ method: 'otp', channel: 'sms' });
    expect((await h.client.inbox(phone)).map((message) => message.channel)).toEqual(['sms']);
    expect((await record(started.verificationId)).body.workflow?.[0]).toMatchObject({
      channel: 'silent',
      status: 'failed',
      reason: 'silent_access_denied',
    });
  });

  it('operator slow → the next read after the silent timeout sends the SMS; the late callback changes nothing', async () => {
    const phone = uniqueMobile();
    await h.sandbox('PUT', '/device', { phone });
    const started = await h.startSilent(phone);
    await h.sandbox('PUT', '/latency', { ms: 300 });
    // The device is still waiting for the operator while time passes.
    const following = h.follow(started.silent!.authUrl);

    h.clock.advance(4_999);
    expect((await h.get(started.verificationId)).data).toMatchObject({ method: 'silent' });
    expect(await h.client.inbox(phone)).toEqual([]);
    h.clock.advance(1);
    expect((await h.get(started.verificationId)).data).toMatchObject({
      status: 'pending',
      method: 'otp',
      channel: 'sms',
    });

    const hops = await following;
    expect(JSON.parse(hops.at(-1)!.body)).toMatchObject({ status: 'pending', method: 'otp' });
    expect((await h.get(started.verificationId)).data).toMatchObject({ status: 'pending', channel: 'sms' });
    expect((await h.client.inbox(phone)).map((message) => message.channel)).toEqual(['sms']);
    expect((await record(started.verificationId)).body.workflow).toEqual([
      expect.objectContaining({ channel: 'silent', status: 'timed_out' }),
      expect.objectContaining({ channel: 'sms', status: 'sent' }),
    ]);
  });

  it('a callback arriving after the timeout falls back instead of approving', async () => {
    const phone = uniqueMobile();
    await h.sandbox('PUT', '/device', { phone });
    const started = await h.startSilent(phone);
    // The operator identified the line in time, but the browser comes back with the code too late.
    const authorize = await fetch(started.silent!.authUrl, { redirect: 'manual' });
    const location = authorize.headers.get('location')!;
    expect(new URL(location).searchParams.has('code')).toBe(true);
    h.clock.advance(5_000);
    const callback = await fetch(location);
    expect(await callback.json()).toMatchObject({ status: 'pending', method: 'otp' });
    expect((await record(started.verificationId)).body.workflow?.[0]).toMatchObject({
      channel: 'silent',
      status: 'failed',
      reason: 'silent_timeout',
    });
    expect((await h.client.inbox(phone)).map((message) => message.channel)).toEqual(['sms']);
  });

  it('a state works once; unknown or missing state is refused without a 5xx', async () => {
    const phone = uniqueMobile();
    await h.sandbox('PUT', '/device', { phone });
    const started = await h.startSilent(phone);
    const hops = await h.follow(started.silent!.authUrl);
    const callbackUrl = hops.at(-1)!.url;
    const replay = await fetch(callbackUrl);
    expect(replay.status).toBe(404);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const unknown = await fetch(`${h.server.url}/v1/silent/callback?code=x&state=${'a'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    const missing = await fetch(`${h.server.url}/v1/silent/callback?code=x`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });
});

describe('silent verification (redirect mode)', () => {
  it('comes back to the allow-listed return URL with the verification id in the fragment', async () => {
    const phone = uniqueMobile();
    await h.sandbox('PUT', '/device', { phone });
    const returnUrl = 'http://localhost:5173/signup?step=phone';
    const started = await h.startSilent(phone, { returnUrl });
    const hops = await h.follow(started.silent!.authUrl);
    const back = hops.at(-1)!;
    expect(back.status).toBe(303);
    expect(back.location).toBe(`${returnUrl}#proofline_verification=${started.verificationId}`);
    const polled = await h.get(started.verificationId);
    expect(polled.data).toMatchObject({ status: 'approved', method: 'silent' });
    expect(polled.data.token).toEqual(expect.any(String));
  });

  it('a failed attempt comes back too, and the page finds the SMS step', async () => {
    const phone = uniqueMobile();
    const returnUrl = 'http://127.0.0.1:8080/login#form';
    const started = await h.startSilent(phone, { returnUrl });
    const back = (await h.follow(started.silent!.authUrl)).at(-1)!;
    expect(back.location).toBe(
      `http://127.0.0.1:8080/login#form&proofline_verification=${started.verificationId}`,
    );
    expect((await h.get(started.verificationId)).data).toMatchObject({ method: 'otp', channel: 'sms' });
  });

  it('refuses a foreign return URL before anything starts', async () => {
    const phone = uniqueMobile();
    for (const returnUrl of [
      'https://evil.example/steal',
      'javascript:alert(1)',
      'http://localhost.evil.example/',
    ]) {
      const refused = await h.start(phone, { connection: 'cellular', returnUrl });
      expect(refused.status, returnUrl).toBe(400);
      expect(refused.error?.data.code).toBe('bad_request');
    }
    expect(await h.client.inbox(phone)).toEqual([]);
    // Nothing was left behind: the same number starts normally.
    await h.startSilent(phone, { returnUrl: 'http://localhost:5173/' });
  });
});

describe('when silent is not offered', () => {
  it('on Wi-Fi, with a channel chosen, or when the site turned it off: the code goes out at once', async () => {
    const wifi = uniqueMobile();
    expect((await h.start(wifi, { connection: 'wifi' })).data).toMatchObject({
      method: 'otp',
      channel: 'sms',
    });
    const chosen = uniqueMobile();
    expect((await h.start(chosen, { channel: 'whatsapp' })).data).toMatchObject({ channel: 'whatsapp' });

    await h.client.rest('PUT', '/v1/settings/phone-verification', { silent: false });
    try {
      const off = uniqueMobile();
      const started = await h.start(off, { connection: 'cellular' });
      expect(started.data).toMatchObject({ method: 'otp', channel: 'sms' });
      expect(started.data.silent).toBeUndefined();
    } finally {
      await h.client.rest('PUT', '/v1/settings/phone-verification', { silent: true });
    }
  });

  it('a site backend (REST send-otp) has no browser to open the operator page: SMS first', async () => {
    const phone = uniqueMobile();
    const sent = await h.client.rest('POST', '/v1/phone/send-otp', { phone });
    expect(sent.body).toMatchObject({ status: 'pending', channel: 'sms' });
    expect((await h.client.inbox(phone)).map((message) => message.channel)).toEqual(['sms']);
  });
});

describe('timing', () => {
  it('measures the approved flow (start with lookups → authorize → callback → poll), warm', async () => {
    for (let run = 0; run < 5; run++) {
      const phone = uniqueMobile();
      await h.sandbox('PUT', '/device', { phone });
      const began = performance.now();
      const started = await h.startSilent(phone);
      await h.follow(started.silent!.authUrl);
      expect((await h.get(started.verificationId)).data.status).toBe('approved');
      timings.push(performance.now() - began);
    }
    console.info(
      `silent flow, approved, end to end over HTTP (first cold): ${timings.map((ms) => ms.toFixed(1)).join(', ')} ms`,
    );
  });
});
