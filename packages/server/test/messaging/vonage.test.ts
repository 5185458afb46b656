import { type CryptoKey, exportPKCS8, generateKeyPair, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { type VonageConfig, VonageSender } from '../../src/messaging/vonage/index.js';
import { describeSenderContract, testMessage } from './contract.js';
import { closedPort, type FakeProvider, sendJson, startFakeProvider } from './fake-provider.js';

const apiKey = 'abcd1234';
const apiSecret = 'vonage-test-secret';
const applicationId = 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab';
const hangingNumber = '+15005550777';

/** Vonage's documented RFC 7807 problem answers, the recipients the fake answers them for, and what each means here. */
const documentedProblems = [
  {
    to: '+15005550001',
    httpStatus: 422,
    problem: {
      type: 'https://developer.vonage.com/api-errors/messages-olympus#1020',
      title: 'Invalid params',
      detail: 'The value of one or more parameters is invalid.',
      instance: 'bf0ca0bf927b3b52e3cb03217e1a1ddf',
      invalid_parameters: [{ name: 'to', reason: 'Invalid number +15005550001' }],
    },
    code: 'invalid_recipient',
    retryable: false,
    providerCode: '1020',
  },
  {
    to: '+15005550040',
    httpStatus: 422,
    problem: {
      type: 'https://developer.vonage.com/api-errors/messages-olympus#1040',
      title: 'Invalid message',
      detail: 'Unrecognised prefix for the phone number',
      instance: 'x',
    },
    code: 'invalid_recipient',
    retryable: false,
    providerCode: '1040',
  },
  {
    to: '+15005550050',
    httpStatus: 422,
    problem: {
      type: 'https://developer.vonage.com/api-errors/messages-olympus#1050',
      title: 'Number barred',
      detail: 'The number +15005550050 is barred',
      instance: 'x',
    },
    code: 'rejected',
    retryable: false,
    providerCode: '1050',
  },
  {
    to: '+15005550120',
    httpStatus: 422,
    problem: {
      type: 'https://developer.vonage.com/api-errors/messages-olympus#1120',
      title: 'Illegal Sender Address - rejected',
      detail: 'Sender id not allowed',
      instance: 'x',
    },
    code: 'rejected',
    retryable: false,
    providerCode: '1120',
  },
  {
    to: '+15005550429',
    httpStatus: 429,
    problem: {
      type: 'https://developer.vonage.com/api-errors/messages-olympus#1000',
      title: 'Throttled',
      detail: 'Please wait and retry',
      instance: 'x',
    },
    code: 'rate_limited',
    retryable: true,
    providerCode: '1000',
  },
  {
    to: '+15005550402',
    httpStatus: 402,
    problem: {
      type: 'https://developer.vonage.com/api-errors#low-balance',
      title: 'Low balance',
      detail: 'Top up',
      instance: 'x',
    },
    code: 'rejected',
    retryable: false,
    providerCode: 'low-balance',
  },
  {
    to: '+15005550503',
    httpStatus: 503,
    problem: {
      type: 'https://developer.vonage.com/api-errors#internal-error',
      title: 'Internal Error',
      detail: '',
      instance: 'x',
    },
    code: 'provider_error',
    retryable: true,
    providerCode: 'internal-error',
  },
] as const;

let vonage: FakeProvider;
let privateKey: string;
let publicKey: CryptoKey;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = await exportPKCS8(pair.privateKey);
  publicKey = pair.publicKey;
  vonage = await startFakeProvider(async (request, response) => {
    const unauthorized = () =>
      sendJson(
        response,
        401,
        {
          type: 'https://developer.vonage.com/api-errors#unauthorized',
          title: 'Unauthorized',
          detail: 'You did not provide correct credentials.',
          instance: 'x',
        },
        'application/problem+json',
      );
    const authorization = request.headers.authorization ?? '';
    let authorized = authorization === `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`;
    if (authorization.startsWith('Bearer ')) {
      const verified = await jwtVerify(authorization.slice(7), publicKey, {
        algorithms: ['RS256'],
        currentDate: new Date(clock.now()),
      }).catch(() => null);
      authorized =
        verified?.payload.application_id === applicationId && typeof verified.payload.jti === 'string';
    }
    if (request.path === '/v1/calls' && !authorization.startsWith('Bearer ')) return unauthorized();
    if (!authorized) return unauthorized();
    if (request.headers['content-type'] !== 'application/json')
      return sendJson(response, 415, { title: 'Unsupported Media Type' });
    const body = JSON.parse(request.body) as { to: string | [{ number: string }] };
    const to = `+${typeof body.to === 'string' ? body.to : body.to[0].number}`;
    if (to === hangingNumber) return; // never answers
    const documented = documentedProblems.find((problem) => problem.to === to);
    if (documented)
      return sendJson(response, documented.httpStatus, documented.problem, 'application/problem+json');
    if (request.path === '/v1/messages')
      return sendJson(response, 202, { message_uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab' });
    if (request.path === '/v1/calls') {
      return sendJson(response, 201, {
        uuid: '63f61863-4a51-4f6b-86e1-46edebcf9356',
        status: 'started',
        direction: 'outbound',
        conversation_uuid: 'CON-f972836a',
      });
    }
    sendJson(response, 404, { title: 'Not found' });
  });
});

afterAll(() => vonage.close());

function sender(overrides: Partial<VonageConfig> = {}): VonageSender {
  return new VonageSender(
    {
      apiKey,
      apiSecret,
      from: 'Acme',
      whatsappFrom: '+14157386102',
      baseUrl: vonage.url,
      timeoutMs: 5_000,
      ...overrides,
    },
    { clock },
  );
}

const lastBody = () => JSON.parse(vonage.requests.at(-1)!.body) as Record<string, unknown>;

describeSenderContract(
  'vonage',
  documentedProblems.map(({ problem: _, ...documented }) => documented),
  async () => ({
    provider: 'vonage',
    clock,
    sender: sender({ applicationId, privateKey }),
    recipients: { sms: '+447400123456', whatsapp: '+447400123457', voice: '+447400123458' },
    badCredentials: { sender: sender({ apiSecret: 'wrong' }), providerCode: 'unauthorized' },
    hanging: { sender: sender({ timeoutMs: 150 }), to: hangingNumber },
    unreachable: sender({ baseUrl: `http://127.0.0.1:${await closedPort()}` }),
    lastReceived: () => {
      if (vonage.requests.length === 0) return undefined;
      const body = lastBody() as {
        to: string | [{ number: string }];
        text?: string;
        ncco?: [{ text: string }];
      };
      return {
        to: `+${typeof body.to === 'string' ? body.to : body.to[0].number}`,
        text: body.text ?? body.ncco?.[0].text ?? '',
      };
    },
    received: () => vonage.requests.length,
    close: async () => {},
  }),
);

describe('Vonage sender', () => {
  it('sends sms through the Messages API with Basic auth and a JSON body, numbers without +', async () => {
    const receipt = await sender().send(testMessage());
    expect(vonage.requests.at(-1)!.path).toBe('/v1/messages');
    expect(lastBody()).toEqual({
      message_type: 'text',
      channel: 'sms',
      to: '447400123456',
      from: 'Acme',
      text: 'Acme: your verification code is 123456.\n@acme.test #123456',
      client_ref: 'ver_test',
    });
    expect(receipt).toMatchObject({
      provider: 'vonage',
      channel: 'sms',
      providerMessageId: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
    });
  });

  it('sends WhatsApp from the WhatsApp sender', async () => {
    await sender().send(testMessage({ channel: 'whatsapp' }));
    expect(lastBody()).toMatchObject({ channel: 'whatsapp', from: '14157386102', to: '447400123456' });
  });

  it('signs a JWT with the application key when an application is configured', async () => {
    await sender({ apiKey: undefined, apiSecret: undefined, applicationId, privateKey }).send(testMessage());
    expect(vonage.requests.at(-1)!.headers.authorization).toMatch(/^Bearer /);
  });

  it('places a voice call with an NCCO talk action in the message language', async () => {
    const receipt = await sender({ applicationId, privateKey, from: '+447700900000' }).send(
      testMessage({ channel: 'voice', locale: 'fr', body: 'Bonjour, ici Acme. Votre code est : 1, 2, 3.' }),
    );
    expect(vonage.requests.at(-1)!.path).toBe('/v1/calls');
    expect(lastBody()).toEqual({
      to: [{ type: 'phone', number: '447400123456' }],
      from: { type: 'phone', number: '447700900000' },
      ncco: [{ action: 'talk', text: 'Bonjour, ici Acme. Votre code est : 1, 2, 3.', language: 'fr-FR' }],
    });
    expect(receipt.providerMessageId).toBe('63f61863-4a51-4f6b-86e1-46edebcf9356');
  });

  it('refuses voice without an application, before calling Vonage', async () => {
    const before = vonage.requests.length;
    const error = await sender()
      .send(testMessage({ channel: 'voice' }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'auth', retryable: false, provider: 'vonage' });
    expect(vonage.requests.length).toBe(before);
  });

  it('maps an expired JWT answer (401) to auth', async () => {
    const skewed = new VonageSender(
      { applicationId, privateKey, from: 'Acme', baseUrl: vonage.url },
      { clock: new ManualClock(clock.now() - 3_600_000) },
    );
    const error = await skewed.send(testMessage()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'auth', httpStatus: 401, retryable: false });
  });
});
