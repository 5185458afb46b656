import { type CryptoKey, exportPKCS8, generateKeyPair, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import type { OutgoingMessage } from '../../src/messaging/index.js';
import { type VonageConfig, VonageSender } from '../../src/messaging/vonage/index.js';
import {
  type FakeProvider,
  itGivesUpAfterItsTimeout,
  itMapsRefusals,
  sendJson,
  smsMessage,
  startFakeProvider,
} from './fake-provider.js';

const apiKey = 'abcd1234';
const apiSecret = 'vonage-test-secret';
const applicationId = 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab';

const problems: Record<string, { status: number; body: Record<string, unknown> }> = {
  '15005550001': {
    status: 422,
    body: {
      type: 'https://developer.vonage.com/api-errors/messages-olympus#1020',
      title: 'Invalid params',
      detail: 'The value of one or more parameters is invalid.',
      instance: 'bf0ca0bf927b3b52e3cb03217e1a1ddf',
      invalid_parameters: [{ name: 'to', reason: 'Invalid number +15005550001' }],
    },
  },
  '15005550040': {
    status: 422,
    body: {
      type: 'https://developer.vonage.com/api-errors/messages-olympus#1040',
      title: 'Invalid message',
      detail: 'Unrecognised prefix for the phone number',
      instance: 'x',
    },
  },
  '15005550050': {
    status: 422,
    body: {
      type: 'https://developer.vonage.com/api-errors/messages-olympus#1050',
      title: 'Number barred',
      detail: 'The number +15005550050 is barred',
      instance: 'x',
    },
  },
  '15005550120': {
    status: 422,
    body: {
      type: 'https://developer.vonage.com/api-errors/messages-olympus#1120',
      title: 'Illegal Sender Address - rejected',
      detail: 'Sender id not allowed',
      instance: 'x',
    },
  },
  '15005550429': {
    status: 429,
    body: {
      type: 'https://developer.vonage.com/api-errors/messages-olympus#1000',
      title: 'Throttled',
      detail: 'Please wait and retry',
      instance: 'x',
    },
  },
  '15005550402': {
    status: 402,
    body: {
      type: 'https://developer.vonage.com/api-errors#low-balance',
      title: 'Low balance',
      detail: 'Top up',
      instance: 'x',
    },
  },
  '15005550503': {
    status: 503,
    body: {
      type: 'https://developer.vonage.com/api-errors#internal-error',
      title: 'Internal Error',
      detail: '',
      instance: 'x',
    },
  },
};

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
    const to = typeof body.to === 'string' ? body.to : body.to[0].number;
    if (to === '15005550777') return; // never answers
    const problem = problems[to];
    if (problem) return sendJson(response, problem.status, problem.body, 'application/problem+json');
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

const message = (overrides: Partial<OutgoingMessage> = {}) => smsMessage('ver_2', overrides);

const lastBody = () => JSON.parse(vonage.requests.at(-1)!.body) as Record<string, unknown>;

describe('Vonage sender', () => {
  it('sends sms through the Messages API with Basic auth and a JSON body, numbers without +', async () => {
    const receipt = await sender().send(message());
    expect(vonage.requests.at(-1)!.path).toBe('/v1/messages');
    expect(lastBody()).toEqual({
      message_type: 'text',
      channel: 'sms',
      to: '447400123456',
      from: 'Acme',
      text: 'Acme: your verification code is 123456.\n@acme.test #123456',
      client_ref: 'ver_2',
    });
    expect(receipt).toMatchObject({
      provider: 'vonage',
      channel: 'sms',
      providerMessageId: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
    });
  });

  it('sends WhatsApp from the WhatsApp sender', async () => {
    await sender().send(message({ channel: 'whatsapp' }));
    expect(lastBody()).toMatchObject({ channel: 'whatsapp', from: '14157386102', to: '447400123456' });
  });

  it('signs a JWT with the application key when an application is configured', async () => {
    await sender({ apiKey: undefined, apiSecret: undefined, applicationId, privateKey }).send(message());
    expect(vonage.requests.at(-1)!.headers.authorization).toMatch(/^Bearer /);
  });

  it('places a voice call with an NCCO talk action in the message language', async () => {
    const receipt = await sender({ applicationId, privateKey, from: '+447700900000' }).send(
      message({ channel: 'voice', locale: 'fr', body: 'Bonjour, ici Acme. Votre code est : 1, 2, 3.' }),
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
      .send(message({ channel: 'voice' }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'auth', retryable: false, provider: 'vonage' });
    expect(vonage.requests.length).toBe(before);
  });

  it('maps an expired JWT answer (401) to auth', async () => {
    const skewed = new VonageSender(
      { applicationId, privateKey, from: 'Acme', baseUrl: vonage.url },
      { clock: new ManualClock(clock.now() - 3_600_000) },
    );
    const error = await skewed.send(message()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'auth', httpStatus: 401, retryable: false });
  });

  itMapsRefusals('maps problem answers for %s to %s', 'vonage', (to) => sender().send(message({ to })), [
    ['+15005550001', 'invalid_recipient', false, 422, '1020'],
    ['+15005550040', 'invalid_recipient', false, 422, '1040'],
    ['+15005550050', 'rejected', false, 422, '1050'],
    ['+15005550120', 'rejected', false, 422, '1120'],
    ['+15005550429', 'rate_limited', true, 429, '1000'],
    ['+15005550402', 'rejected', false, 402, 'low-balance'],
    ['+15005550503', 'provider_error', true, 503, 'internal-error'],
  ]);

  it('maps wrong credentials to auth', async () => {
    const error = await sender({ apiSecret: 'wrong' })
      .send(message())
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'auth', httpStatus: 401, retryable: false });
  });

  itGivesUpAfterItsTimeout('vonage', (timeoutMs, to) => sender({ timeoutMs }).send(message({ to })));
});
