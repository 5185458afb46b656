import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { type TwilioConfig, TwilioSender } from '../../src/messaging/twilio/index.js';
import { describeSenderContract, testMessage } from './contract.js';
import { closedPort, type FakeProvider, sendJson, startFakeProvider } from './fake-provider.js';

const accountSid = 'AC0123456789abcdef0123456789abcdef';
const authToken = 'twilio-test-token';
const hangingNumber = '+15005550777';

/** Twilio's documented error answers, at the test numbers Twilio itself uses, and what each means here. */
const documentedErrors = [
  {
    to: '+15005550001',
    status: 400,
    twilioCode: 21211,
    message: "The 'To' number +15005550001 is not a valid phone number.",
    code: 'invalid_recipient',
    retryable: false,
  },
  {
    to: '+15005550002',
    status: 400,
    twilioCode: 21612,
    message: "The 'To' phone number: +15005550002, is not currently reachable",
    code: 'unreachable',
    retryable: false,
  },
  {
    to: '+15005550003',
    status: 400,
    twilioCode: 21408,
    message: 'Permission to send an SMS has not been enabled for the region',
    code: 'rejected',
    retryable: false,
  },
  {
    to: '+15005550004',
    status: 400,
    twilioCode: 21610,
    message: 'Attempt to send to unsubscribed recipient',
    code: 'rejected',
    retryable: false,
  },
  {
    to: '+15005550008',
    status: 400,
    twilioCode: 21608,
    message: 'The number +15005550008 is unverified.',
    code: 'rejected',
    retryable: false,
  },
  {
    to: '+15005550009',
    status: 400,
    twilioCode: 21614,
    message: "'To' number is not a valid mobile number",
    code: 'invalid_recipient',
    retryable: false,
  },
  {
    to: '+15005550429',
    status: 429,
    twilioCode: 20429,
    message: 'Too Many Requests',
    code: 'rate_limited',
    retryable: true,
  },
] as const;

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
    if (to === hangingNumber) return; // never answers
    if (to === '+15005550500') {
      response.writeHead(503, { 'content-type': 'text/html' });
      return response.end('<html>Service Unavailable</html>');
    }
    const documented = documentedErrors.find((error) => error.to === to);
    if (documented) {
      response.setHeader('retry-after', '3');
      return sendJson(response, documented.status, {
        code: documented.twilioCode,
        message: documented.message,
        more_info: `https://www.twilio.com/docs/errors/${documented.twilioCode}`,
        status: documented.status,
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

function sender(overrides: Partial<TwilioConfig> = {}): TwilioSender {
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

function lastForm(): URLSearchParams {
  return new URLSearchParams(twilio.requests.at(-1)!.body);
}

describeSenderContract(
  'twilio',
  documentedErrors.map(({ to, status, twilioCode, code, retryable }) => ({
    to,
    code,
    retryable,
    httpStatus: status,
    providerCode: String(twilioCode),
  })),
  async () => ({
    provider: 'twilio',
    clock,
    sender: sender(),
    recipients: { sms: '+447400123456', whatsapp: '+447400123457', voice: '+447400123458' },
    badCredentials: { sender: sender({ authToken: 'wrong' }), providerCode: '20003' },
    hanging: { sender: sender({ timeoutMs: 150 }), to: hangingNumber },
    unreachable: sender({ baseUrl: `http://127.0.0.1:${await closedPort()}` }),
    lastReceived: () => {
      const form = twilio.requests.length > 0 ? lastForm() : undefined;
      return (
        form && {
          to: (form.get('To') ?? '').replace(/^whatsapp:/, ''),
          text: form.get('Body') ?? form.get('Twiml') ?? '',
        }
      );
    },
    received: () => twilio.requests.length,
    close: async () => {},
  }),
);

describe('Twilio sender', () => {
  it('sends sms through the Messages API with Basic auth and a form body', async () => {
    await sender().send(testMessage());
    const request = twilio.requests.at(-1)!;
    expect(request.path).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(lastForm())).toEqual({
      To: '+447400123456',
      From: '+15005550006',
      Body: 'Acme: your verification code is 123456.\n@acme.test #123456',
    });
  });

  it('uses the messaging service instead of From when one is configured', async () => {
    await sender({ messagingServiceSid: 'MG0123456789abcdef0123456789abcdef' }).send(testMessage());
    expect(lastForm().get('MessagingServiceSid')).toBe('MG0123456789abcdef0123456789abcdef');
    expect(lastForm().has('From')).toBe(false);
  });

  it('prefixes both numbers with whatsapp: for WhatsApp', async () => {
    await sender().send(testMessage({ channel: 'whatsapp' }));
    expect(lastForm().get('To')).toBe('whatsapp:+447400123456');
    expect(lastForm().get('From')).toBe('whatsapp:+14155238886');
  });

  it('places a call whose TwiML says the escaped body in the message language', async () => {
    const receipt = await sender().send(
      testMessage({
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

  it('maps a 5xx answer without JSON to a retryable provider_error', async () => {
    const error = await sender()
      .send(testMessage({ to: '+15005550500' }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'provider_error', retryable: true, httpStatus: 503 });
  });

  it('refuses a channel it has no sender for before calling Twilio', async () => {
    const before = twilio.requests.length;
    const error = await sender({ whatsappFrom: undefined })
      .send(testMessage({ channel: 'whatsapp' }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'rejected', retryable: false });
    expect(twilio.requests.length).toBe(before);
  });
});
