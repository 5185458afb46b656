import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import type { OutgoingMessage } from '../../src/messaging/index.js';
import { TwilioSender } from '../../src/messaging/twilio/index.js';
import {
  type FakeProvider,
  itGivesUpAfterItsTimeout,
  itMapsRefusals,
  sendJson,
  smsMessage,
  startFakeProvider,
} from './fake-provider.js';

const accountSid = 'AC0123456789abcdef0123456789abcdef';
const authToken = 'twilio-test-token';

/** Twilio's documented error answers, keyed by the test numbers Twilio itself uses for them. */
const scriptedErrors: Record<string, { status: number; code: number; message: string }> = {
  '+15005550001': {
    status: 400,
    code: 21211,
    message: "The 'To' number +15005550001 is not a valid phone number.",
  },
  '+15005550002': {
    status: 400,
    code: 21612,
    message: "The 'To' phone number: +15005550002, is not currently reachable",
  },
  '+15005550003': {
    status: 400,
    code: 21408,
    message: 'Permission to send an SMS has not been enabled for the region',
  },
  '+15005550004': { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  '+15005550008': { status: 400, code: 21608, message: 'The number +15005550008 is unverified.' },
  '+15005550009': { status: 400, code: 21614, message: "'To' number is not a valid mobile number" },
  '+15005550429': { status: 429, code: 20429, message: 'Too Many Requests' },
};

let twilio: FakeProvider;
const clock = new ManualClock();

beforeAll(async () => {
  twilio = await startFakeProvider((request, response) => {
    const match = /^\/2010-04-01\/Accounts\/(AC\w+)\/(Messages|Calls)\.json$/.exec(request.path);
    const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (request.method !== 'POST' || !match)
      return sendJson(response, 404, { code: 20404, message: 'Not found', status: 404 });
    if (request.headers.authorization !== expectedAuth || match[1] !== accountSid) {
      return sendJson(response, 401, {
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
    }
    const form = new URLSearchParams(request.body);
    const to = (form.get('To') ?? '').replace(/^whatsapp:/, '');
    if (to === '+15005550777') return; // never answers
    if (to === '+15005550500') {
      response.writeHead(503, { 'content-type': 'text/html' });
      return response.end('<html>Service Unavailable</html>');
    }
    const scripted = scriptedErrors[to];
    if (scripted) {
      response.setHeader('retry-after', '3');
      return sendJson(response, scripted.status, {
        ...scripted,
        more_info: `https://www.twilio.com/docs/errors/${scripted.code}`,
      });
    }
    const sid = `${match[2] === 'Calls' ? 'CA' : 'SM'}${'0'.repeat(31)}${twilio.requests.length}`;
    sendJson(response, 201, {
      sid,
      account_sid: accountSid,
      status: 'queued',
      to: form.get('To'),
      from: form.get('From'),
    });
  });
});

afterAll(() => twilio.close());

function sender(overrides: Partial<ConstructorParameters<typeof TwilioSender>[0]> = {}): TwilioSender {
  return new TwilioSender(
    {
      accountSid,
      authToken,
      from: '+15005550006',
      whatsappFrom: '+14155238886',
      baseUrl: twilio.url,
      timeoutMs: 5_000,
      ...overrides,
    },
    { clock },
  );
}

const message = (overrides: Partial<OutgoingMessage> = {}) => smsMessage('ver_1', overrides);

function lastForm(): URLSearchParams {
  return new URLSearchParams(twilio.requests.at(-1)!.body);
}

describe('Twilio sender', () => {
  it('sends sms through the Messages API with Basic auth and a form body', async () => {
    const receipt = await sender().send(message());
    const request = twilio.requests.at(-1)!;
    expect(request.path).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(lastForm())).toEqual({
      To: '+447400123456',
      From: '+15005550006',
      Body: 'Acme: your verification code is 123456.\n@acme.test #123456',
    });
    expect(receipt).toMatchObject({
      provider: 'twilio',
      channel: 'sms',
      acceptedAt: new Date(clock.now()).toISOString(),
    });
    expect(receipt.providerMessageId).toMatch(/^SM/);
  });

  it('uses the messaging service instead of From when one is configured', async () => {
    await sender({ messagingServiceSid: 'MG0123456789abcdef0123456789abcdef' }).send(message());
    expect(lastForm().get('MessagingServiceSid')).toBe('MG0123456789abcdef0123456789abcdef');
    expect(lastForm().has('From')).toBe(false);
  });

  it('prefixes both numbers with whatsapp: for WhatsApp', async () => {
    await sender().send(message({ channel: 'whatsapp' }));
    expect(lastForm().get('To')).toBe('whatsapp:+447400123456');
    expect(lastForm().get('From')).toBe('whatsapp:+14155238886');
  });

  it('places a call whose TwiML says the escaped body in the message language', async () => {
    const receipt = await sender().send(
      message({
        channel: 'voice',
        locale: 'es',
        body: 'Hola, te llamamos de A&B <Co> "x". Tu código es: 1, 2, 3.',
      }),
    );
    expect(twilio.requests.at(-1)!.path).toBe(`/2010-04-01/Accounts/${accountSid}/Calls.json`);
    expect(lastForm().get('Twiml')).toBe(
      '<Response><Say language="es-ES">Hola, te llamamos de A&amp;B &lt;Co&gt; &quot;x&quot;. Tu código es: 1, 2, 3.</Say></Response>',
    );
    expect(lastForm().get('To')).toBe('+447400123456');
    expect(receipt.providerMessageId).toMatch(/^CA/);
  });

  itMapsRefusals('maps Twilio error answers for %s to %s', 'twilio', (to) => sender().send(message({ to })), [
    ['+15005550001', 'invalid_recipient', false, 400, '21211'],
    ['+15005550002', 'unreachable', false, 400, '21612'],
    ['+15005550003', 'rejected', false, 400, '21408'],
    ['+15005550004', 'rejected', false, 400, '21610'],
    ['+15005550008', 'rejected', false, 400, '21608'],
    ['+15005550009', 'invalid_recipient', false, 400, '21614'],
    ['+15005550429', 'rate_limited', true, 429, '20429'],
  ]);

  it('maps a wrong token to auth', async () => {
    const error = await sender({ authToken: 'wrong' })
      .send(message())
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'auth', retryable: false, httpStatus: 401, providerCode: '20003' });
  });

  it('maps a 5xx answer without JSON to a retryable provider_error', async () => {
    const error = await sender()
      .send(message({ to: '+15005550500' }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'provider_error', retryable: true, httpStatus: 503 });
  });

  itGivesUpAfterItsTimeout('twilio', (timeoutMs, to) => sender({ timeoutMs }).send(message({ to })));

  it('reports an unreachable provider as a retryable provider_error', async () => {
    const closed = await startFakeProvider(() => {});
    await closed.close();
    const error = await sender({ baseUrl: closed.url })
      .send(message())
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'provider_error', retryable: true, provider: 'twilio' });
  });

  it('refuses a channel it has no sender for before calling Twilio', async () => {
    const before = twilio.requests.length;
    const error = await sender({ whatsappFrom: undefined })
      .send(message({ channel: 'whatsapp' }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'rejected', retryable: false });
    expect(twilio.requests.length).toBe(before);
  });
});
