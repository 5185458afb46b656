import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { createLogger } from '../../src/logging/index.js';
import {
  createMessaging,
  DeliveryError,
  MessagingConfig,
  MessagingConfigError,
  messagingConfigFromEnv,
  type OutgoingMessage,
  renderMessage,
} from '../../src/messaging/index.js';
import { type FakeProvider, sendJson, startFakeProvider } from './fake-provider.js';

let provider: FakeProvider;

beforeAll(async () => {
  // One local server answers as both Twilio and Vonage; the path tells them apart.
  provider = await startFakeProvider((request, response) => {
    if (request.path.startsWith('/2010-04-01/')) {
      const to = new URLSearchParams(request.body).get('To');
      if (to === '+15005550001') {
        return sendJson(response, 400, {
          code: 21211,
          message: `The 'To' number ${to} is not a valid phone number.`,
          status: 400,
        });
      }
      return sendJson(response, 201, { sid: 'SM00000000000000000000000000000001', status: 'queued' });
    }
    if (request.path === '/v1/messages') return sendJson(response, 202, { message_uuid: 'vonage-uuid-1' });
    sendJson(response, 404, {});
  });
});

afterAll(() => provider.close());

const twilio = () => ({ accountSid: 'AC1', authToken: 'token', from: '+15005550006', baseUrl: provider.url });
const vonage = () => ({
  apiKey: 'key',
  apiSecret: 'secret',
  whatsappFrom: '14157386102',
  baseUrl: provider.url,
});

function otp(channel: OutgoingMessage['channel'], to: string): OutgoingMessage {
  const { body, subject, locale } = renderMessage({
    channel,
    code: '864209',
    brand: 'Acme',
    domain: 'acme.test',
    minutes: 10,
  });
  return {
    channel,
    to,
    body,
    locale,
    ...(subject ? { subject } : {}),
    siteKey: 'pk_test_demo',
    verificationId: 'ver_9',
  };
}

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('createMessaging', () => {
  it('routes every channel to the provider configured for it', async () => {
    const messaging = createMessaging(
      { sms: 'twilio', whatsapp: 'vonage', voice: 'dev', email: 'off', twilio: twilio(), vonage: vonage() },
      { clock: new ManualClock() },
    );
    expect(messaging.channels).toEqual(['sms', 'whatsapp', 'voice']);
    expect(messaging.supports('email')).toBe(false);
    expect(messaging.providerFor('whatsapp')).toBe('vonage');

    expect((await messaging.send(otp('sms', '+447400123456'))).provider).toBe('twilio');
    expect((await messaging.send(otp('whatsapp', '+447400123456'))).provider).toBe('vonage');
    expect((await messaging.send(otp('voice', '+447400123456'))).provider).toBe('dev');
    expect(messaging.devInbox?.list({ to: '+447400123456' }).messages[0]?.channel).toBe('voice');

    const error = await messaging.send(otp('email', 'ada@example.test')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ code: 'rejected', provider: 'none', retryable: false });
  });

  it('defaults every channel to the dev inbox', async () => {
    const messaging = createMessaging({}, { clock: new ManualClock() });
    expect(messaging.channels).toEqual(['sms', 'whatsapp', 'voice', 'email']);
    await messaging.send(otp('email', 'ada@example.test'));
    expect(messaging.devInbox?.list({ to: 'ada@example.test' }).messages[0]).toMatchObject({
      subject: 'Your Acme verification code',
    });
  });

  it('has no dev inbox when no channel uses it', () => {
    const messaging = createMessaging(
      { sms: 'twilio', voice: 'off', whatsapp: 'off', email: 'off', twilio: twilio() },
      { clock: new ManualClock() },
    );
    expect(messaging.devInbox).toBeNull();
  });

  it('logs sends and failures without the body or the code, and masks numbers', async () => {
    const { logger, lines } = capturedLogger();
    const messaging = createMessaging(
      { sms: 'twilio', twilio: twilio() },
      { clock: new ManualClock(), logger },
    );
    await messaging.send(otp('sms', '+447400123456'));
    await messaging.send(otp('sms', '+15005550001')).catch(() => {});
    const log = lines.join('');
    expect(lines).toHaveLength(2);
    expect(log).toContain('"deliveryError":"invalid_recipient"');
    expect(log).toContain('"verificationId":"ver_9"');
    expect(log).not.toContain('864209');
    expect(log).not.toContain('+15005550001');
    expect(log).not.toContain('+447400123456');
  });
});

describe('MessagingConfig', () => {
  it.each([
    [{ sms: 'twilio' }, 'twilio'],
    [{ sms: 'twilio', twilio: { accountSid: 'AC1', authToken: 't' } }, 'twilio.from'],
    [
      { whatsapp: 'twilio', twilio: { accountSid: 'AC1', authToken: 't', from: '+1' } },
      'twilio.whatsappFrom',
    ],
    [{ voice: 'vonage', vonage: { apiKey: 'k', apiSecret: 's', from: '1' } }, 'vonage.applicationId'],
    [{ sms: 'vonage', vonage: { from: 'Acme' } }, 'vonage.apiKey'],
    [{ email: 'smtp' }, 'smtp'],
    [{ sms: 'carrier-pigeon' }, 'sms'],
  ])('refuses %j, naming %s', (input, path) => {
    const result = MessagingConfig.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});

describe('messagingConfigFromEnv', () => {
  it('is the dev inbox everywhere on an empty environment', () => {
    expect(messagingConfigFromEnv({})).toMatchObject({
      sms: 'dev',
      voice: 'dev',
      whatsapp: 'dev',
      email: 'dev',
    });
  });

  it('picks configured providers for channels not named, and reads a one-line PEM', () => {
    const config = messagingConfigFromEnv({
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_FROM: '+15005550006',
      VONAGE_API_KEY: 'key',
      VONAGE_API_SECRET: 'secret',
      VONAGE_WHATSAPP_FROM: '14157386102',
      VONAGE_APPLICATION_ID: 'app',
      VONAGE_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----',
      SMTP_URL: 'smtp://127.0.0.1:2525',
      SMTP_FROM: 'no-reply@acme.test',
      MESSAGING_TIMEOUT_MS: '4000',
    });
    expect(config).toMatchObject({
      sms: 'twilio',
      voice: 'twilio',
      whatsapp: 'vonage',
      email: 'smtp',
      timeoutMs: 4000,
    });
    expect(config.vonage?.privateKey).toBe('-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----');
  });

  it('lets MESSAGING_<CHANNEL> override the choice', () => {
    const config = messagingConfigFromEnv({
      MESSAGING_SMS: 'off',
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_FROM: '+15005550006',
    });
    expect(config).toMatchObject({ sms: 'off', voice: 'twilio', whatsapp: 'dev' });
  });

  it.each([
    [{ MESSAGING_SMS: 'twilio' }, 'TWILIO_ACCOUNT_SID'],
    [{ MESSAGING_SMS: 'twilio', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't' }, 'TWILIO_FROM'],
    [{ MESSAGING_EMAIL: 'smtp' }, 'SMTP_URL'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ MESSAGING_TIMEOUT_MS: 'soon' }, 'MESSAGING_TIMEOUT_MS'],
    [
      { MESSAGING_VOICE: 'vonage', VONAGE_API_KEY: 'k', VONAGE_API_SECRET: 's', VONAGE_FROM: '1' },
      'VONAGE_APPLICATION_ID',
    ],
  ])('names the variable to fix in %j', (env, variable) => {
    const error = (() => {
      try {
        messagingConfigFromEnv(env);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(MessagingConfigError);
    expect(error).toMatchObject({ variable });
    expect((error as Error).message).toMatch(new RegExp(`^${variable}: `));
  });
});
