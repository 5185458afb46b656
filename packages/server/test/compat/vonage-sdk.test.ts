import { Vonage } from '@vonage/server-sdk';
import type { Verify2 } from '@vonage/verify2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock/index.js';
import { defaultFraudPolicy } from '../../src/fraud/index.js';
import type { RunningProofline } from '../../src/index.js';
import { otpClient, uniqueMobile, wrongCode } from '../http/otp-client.js';
import { startReceiver } from '../webhooks/receiver.js';
import { demoVonage, startCompatServer, vonageClient, vonageDemoPrivateKey } from './harness.js';

/**
 * The official `@vonage/verify2` client against Proofline over real HTTP, with only `apiHost`
 * changed: the same verification service, limits and blocks as `/v1`, in Vonage's shapes.
 */
/** Codes one number may receive in 10 minutes under the default policy. */
const perNumber = defaultFraudPolicy.rateLimits.number[0]!.points;
let server: RunningProofline;
let clock: ManualClock;
let vonage: Verify2;
let client: ReturnType<typeof otpClient>;

beforeAll(async () => {
  ({ server, clock } = await startCompatServer());
  vonage = vonageClient(server.url);
  client = otpClient(server.url);
});
afterAll(() => server?.close());

/** The SDK throws on any non-2xx answer; the answer itself is on the error. */
async function failure(work: Promise<unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const error = (await work.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: unknown) => caught,
  )) as { response: { status: number; json(): Promise<Record<string, unknown>> } };
  return { status: error.response.status, body: await error.response.json() };
}

const smsTo = (to: string) => ({ brand: 'Acme', workflow: [{ channel: 'sms' as never, to }] });
const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

describe('Vonage Verify v2 through @vonage/verify2', () => {
  it('start → code from the dev inbox → check → completed, on the same service as /v1', async () => {
    const phone = uniqueMobile();
    // Vonage users send numbers without the `+`.
    const { requestId } = await vonage.newRequest(smsTo(phone.slice(1)));
    // One id everywhere: Vonage's request_id is the verification id of `/v1` and the webhooks.
    expect(requestId).toMatch(/^ver_[a-z2-7]{26}$/);
    const [message] = await client.inbox(phone);
    expect(message).toMatchObject({ channel: 'sms' });
    expect(message!.body).toContain('Acme');

    expect(await vonage.checkCode(requestId, await client.latestCode(phone))).toBe('completed');
    const native = await client.rest('GET', `/v1/verifications/${requestId}`);
    expect(native.body).toMatchObject({ status: 'approved', phone, channel: 'sms' });
    // As at Vonage, a verified request is gone for later checks.
    const again = await failure(vonage.checkCode(requestId, await client.latestCode(phone)));
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ title: 'Not Found', type: expect.stringContaining('not-found') });
    expect(again.body.detail).toContain(requestId);
    expect(typeof again.body.instance).toBe('string');
  });

  it('the @vonage/server-sdk umbrella takes the same apiHost option', async () => {
    const sdk = new Vonage(
      { applicationId: demoVonage.applicationId, privateKey: vonageDemoPrivateKey },
      { apiHost: server.url },
    );
    const phone = uniqueMobile();
    const { requestId } = await sdk.verify2.newRequest(smsTo(phone));
    expect(await sdk.verify2.checkCode(requestId, await client.latestCode(phone))).toBe('completed');
  });

  it('a second request for a number with a pending one answers that request, sending nothing', async () => {
    const phone = uniqueMobile();
    const first = await vonage.newRequest(smsTo(phone));
    const second = await vonage.newRequest(smsTo(phone));
    expect(second.requestId).toBe(first.requestId);
    expect((await client.inbox(phone)).length).toBe(1);
  });

  it('a wrong code is 400 Invalid Code and leaves the request open', async () => {
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest(smsTo(phone));
    const code = await client.latestCode(phone);
    const wrong = await failure(vonage.checkCode(requestId, wrongCode(code)));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({
      title: 'Invalid Code',
      detail: 'The code you provided does not match the expected value.',
    });
    expect(await vonage.checkCode(requestId, code)).toBe('completed');
  });

  it('the fifth wrong code ends the request: 410, and the right code no longer works', async () => {
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest(smsTo(phone));
    const code = await client.latestCode(phone);
    for (let attempt = 1; attempt < 5; attempt++) {
      expect((await failure(vonage.checkCode(requestId, wrongCode(code)))).status).toBe(400);
    }
    const last = await failure(vonage.checkCode(requestId, wrongCode(code)));
    expect(last.status).toBe(410);
    expect(last.body.detail).toBe('An incorrect code has been provided too many times. Workflow terminated.');
    expect((await failure(vonage.checkCode(requestId, code))).status).toBe(410);
  });

  it('cancel ends the request; canceling an unknown one is refused', async () => {
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest(smsTo(phone));
    expect(await vonage.cancel(requestId)).toBe(true);
    expect((await failure(vonage.checkCode(requestId, await client.latestCode(phone)))).status).toBe(404);
    expect(await vonage.cancel(requestId)).toBe(false);
    expect(await vonage.cancel('ver_aaaaaaaaaaaaaaaaaaaaaaaaaa')).toBe(false);
  });

  it('next_workflow moves to the next channel once the resend cooldown has passed', async () => {
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest({
      brand: 'Acme',
      workflow: [
        { channel: 'sms' as never, to: phone },
        { channel: 'whatsapp' as never, to: phone },
      ],
    });
    // Proofline keeps its resend cooldown (30 s) on next_workflow; the SDK reports the 429 as false.
    expect(await vonage.nextWorkflow(requestId)).toBe(false);
    clock.advance(30_000);
    expect(await vonage.nextWorkflow(requestId)).toBe(true);
    const [latest] = await client.inbox(phone);
    expect(latest!.channel).toBe('whatsapp');
    // No third step to move to: 409.
    clock.advance(60_000);
    const none = await fetch(`${server.url}/v2/verify/${requestId}/next_workflow`, {
      method: 'POST',
      headers: { authorization: basic(demoVonage.apiKey, demoVonage.apiSecret) },
    });
    expect(none.status).toBe(409);
    expect(await vonage.checkCode(requestId, await client.latestCode(phone))).toBe('completed');
  });

  it('channel_timeout starts the next channel by itself', async () => {
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest({
      brand: 'Acme',
      channelTimeout: 60,
      workflow: [
        { channel: 'sms' as never, to: phone },
        { channel: 'whatsapp' as never, to: phone },
      ],
    });
    const smsCode = await client.latestCode(phone);
    clock.advance(59_000);
    await failure(vonage.checkCode(requestId, wrongCode(smsCode)));
    expect((await client.inbox(phone)).map((message) => message.channel)).toEqual(['sms']);
    clock.advance(1_000);
    await failure(vonage.checkCode(requestId, wrongCode(smsCode)));
    expect((await client.inbox(phone)).map((message) => message.channel)).toEqual(['whatsapp', 'sms']);
    expect(await vonage.checkCode(requestId, await client.latestCode(phone))).toBe('completed');
  });

  it('brand and locale shape the message', async () => {
    const phone = uniqueMobile();
    await vonage.newRequest({ ...smsTo(phone), brand: 'Tienda', locale: 'es-es' });
    const [message] = await client.inbox(phone);
    expect(message!.body).toContain('Tienda');
    expect(message!.body).toMatch(/codigo/i);
  });

  it('code_length sets the length of the code', async () => {
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest({ ...smsTo(phone), codeLength: 8 });
    const code = await client.latestCode(phone);
    expect(code).toMatch(/^\d{8}$/);
    expect(await vonage.checkCode(requestId, code)).toBe('completed');
  });

  it('an invalid number is 422 Invalid params naming the parameter', async () => {
    const invalid = await failure(vonage.newRequest(smsTo('44123')));
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({
      title: 'Invalid params',
      invalid_parameters: [{ name: 'workflow[0].to', reason: expect.any(String) }],
    });
    const second = await failure(
      vonage.newRequest({
        brand: 'Acme',
        workflow: [
          { channel: 'email' as never, to: 'user@example.com' },
          { channel: 'sms' as never, to: '+44123' },
        ],
      }),
    );
    expect(second.body).toMatchObject({ invalid_parameters: [{ name: 'workflow[1].to' }] });
  });

  it('a premium-rate destination is refused before anything is sent', async () => {
    const premium = '+449098790000';
    const refused = await failure(vonage.newRequest(smsTo(premium)));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ title: 'Forbidden' });
    expect(await client.inbox(premium)).toEqual([]);
  });

  it('the per-number send limit answers 429 Rate Limit Hit', async () => {
    const phone = uniqueMobile();
    for (let send = 0; send < perNumber; send++) {
      const { requestId } = await vonage.newRequest(smsTo(phone));
      expect(await vonage.cancel(requestId)).toBe(true);
    }
    const limited = await failure(vonage.newRequest(smsTo(phone)));
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ title: 'Rate Limit Hit' });
    expect((await client.inbox(phone)).length).toBe(perNumber);
  });
});

describe('Vonage facade details', () => {
  const post = (path: string, body: string, authorization = basic(demoVonage.apiKey, demoVonage.apiSecret)) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body,
    });

  it('takes Basic auth with the api key and secret, and refuses anything else with 401', async () => {
    const phone = uniqueMobile();
    const accepted = await post('/v2/verify', JSON.stringify(smsTo(phone)));
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ request_id: expect.any(String) });

    for (const authorization of [
      basic(demoVonage.apiKey, 'wrong-secret'),
      basic('sk_test_demo', ''),
      'Bearer not.a.jwt',
      'Bearer sk_test_demo',
    ]) {
      const refused = await post('/v2/verify', JSON.stringify(smsTo(phone)), authorization);
      expect(refused.status, authorization).toBe(401);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(await refused.json()).toMatchObject({ title: 'Unauthorized' });
    }
  });

  it('bad bodies are 4xx problem details with the parameter named, never 5xx', async () => {
    const cases: [string, number, string | null][] = [
      ['{"brand":', 400, null],
      ['{"brand":"Acme","workflow":[{"channel":"sms","to":"+447400123456"}],"colour":"red"}', 422, 'body'],
      ['{"brand":"Acme","workflow":[{"channel":"fax","to":"+447400123456"}]}', 422, 'workflow[0].channel'],
      [
        '{"brand":"Acme","workflow":[{"channel":"sms","to":"+447400123456"}],"code_length":4}',
        422,
        'code_length',
      ],
      ['{"brand":"Acme","workflow":[{"channel":"email","to":"a@example.com"}]}', 422, 'workflow'],
    ];
    for (const [body, status, parameter] of cases) {
      const answer = await post('/v2/verify', body);
      expect(answer.status, body).toBe(status);
      const problem = (await answer.json()) as { invalid_parameters?: { name: string }[] };
      if (parameter)
        expect(
          problem.invalid_parameters?.map((entry) => entry.name),
          body,
        ).toContain(parameter);
    }
    const unknownId = await post('/v2/verify/not-a-request-id', '{"code":"123456"}');
    expect(unknownId.status).toBe(404);
    // A code that is not 4–10 digits is bad input, not an attempt.
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest(smsTo(phone));
    for (const code of ['"12ab"', '"123"', '123456', '"12345678901"']) {
      const answer = await post(`/v2/verify/${requestId}`, `{"code":${code}}`);
      expect(answer.status, code).toBe(422);
      expect(await answer.json()).toMatchObject({ invalid_parameters: [{ name: 'code' }] });
    }
    expect(await vonage.checkCode(requestId, await client.latestCode(phone))).toBe('completed');
  });

  it('unblocks a blocked network with the network unblock route of the anti-fraud docs', async () => {
    await server.deps.fraud.blocks.impose('pk_test_demo', '23410', 'O2 UK', 'pumping');
    const unblocked = await post(
      '/v2/verify/network-unblock',
      '{"network":"23410","unblock_duration":"600"}',
    );
    expect(unblocked.status).toBe(200);
    const body = (await unblocked.json()) as { network: string; unblocked_until: string };
    expect(body.network).toBe('23410');
    expect(Date.parse(body.unblocked_until)).toBe(Math.floor(clock.now() / 1000) * 1000 + 600_000);
    expect(await server.deps.fraud.blocks.isBlocked('pk_test_demo', '23410')).toBe(false);

    const notBlocked = await post('/v2/verify/network-unblock', '{"network":"23499"}');
    expect(notBlocked.status).toBe(404);
    expect(await notBlocked.json()).toMatchObject({ title: 'Not Found' });
  });
});

describe('Vonage facade and the fraud guard', () => {
  it('a request to a blocked network is accepted, and the webhook carries the blocked summary', async () => {
    const receiver = await startReceiver();
    try {
      const settings = await client.rest('PUT', '/v1/settings/phone-verification', {
        webhook_url: receiver.url,
      });
      expect(settings.status).toBe(200);
      await server.deps.fraud.blocks.impose('pk_test_demo', '00101', 'Sandbox', 'pumping');
      const phone = uniqueMobile();
      const { requestId } = await vonage.newRequest(smsTo(phone));
      expect(await client.inbox(phone)).toEqual([]);
      await receiver.receivedCount(1);
      const event = JSON.parse(receiver.received.at(-1)!.body) as {
        type: string;
        data: Record<string, unknown>;
      };
      expect(event.type).toBe('verification.blocked');
      expect(event.data).toMatchObject({
        status: 'blocked',
        type: 'summary',
        workflow: [{ channel: 'sms', status: 'blocked' }],
      });
      expect(event.data.request_id).toBe(requestId);
      // fraud_check: false passes the block for that one request, and is audited.
      const bypassing = uniqueMobile();
      const bypass = await vonage.newRequest({ ...smsTo(bypassing), fraudCheck: false });
      expect((await client.inbox(bypassing)).length).toBe(1);
      const audit = await client.rest<{ records: { verification_id: string }[] }>(
        'GET',
        '/v1/audit/fraud-check-bypass',
      );
      expect(audit.body.records?.map((record) => record.verification_id)).toContain(bypass.requestId);
    } finally {
      await server.deps.fraud.blocks.unblock('pk_test_demo', '00101', 86_400);
      await client.rest('PUT', '/v1/settings/phone-verification', { webhook_url: null });
      await receiver.close();
    }
  });
});
