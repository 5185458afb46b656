import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { type FakeProvider, startFakeProvider } from '../messaging/fake-provider.js';
import { startTestServer } from '../support/server.js';
import { startReceiver } from '../webhooks/receiver.js';
import { clientOf } from './client.js';

/**
 * SMS goes through Twilio, which is down (a local server speaking Twilio's error answers); WhatsApp
 * goes to the dev inbox. The user never retypes: the code arrives on the next channel, and the
 * site's webhook tells which channel failed and why.
 */
describe('a messaging provider failing', () => {
  let twilio: FakeProvider;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: RunningProofline;

  beforeAll(async () => {
    twilio = await startFakeProvider((_request, response) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 20500, message: 'Internal Server Error', status: 500 }));
    });
    receiver = await startReceiver();
    server = await startTestServer({
      redis: true,
      env: {
        TWILIO_ACCOUNT_SID: 'AC1',
        TWILIO_AUTH_TOKEN: 'token',
        TWILIO_FROM: '+15005550006',
        TWILIO_BASE_URL: twilio.url,
        MESSAGING_SMS: 'twilio',
        MESSAGING_WHATSAPP: 'dev',
        ALLOW_INSECURE_WEBHOOKS: 'true',
      },
    });
    const api = clientOf(server.url);
    const settings = await api.backend('PUT', '/v1/settings/phone-verification', {
      webhook_url: receiver.url,
      channels: ['sms', 'whatsapp', 'voice'],
    });
    expect(settings.status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await twilio?.close();
  });

  it('moves on to the next channel, and the approved webhook records why the first one failed', async () => {
    const api = clientOf(server.url);
    const phone = '+447400300001';
    const started = await api.start(phone);
    expect(started.status).toBe(200);
    const view = started.body.result.data;
    expect(view).toMatchObject({ status: 'pending', channel: 'whatsapp' });
    expect(twilio.requests.length).toBeGreaterThan(0);

    const [message] = await api.inbox(phone);
    expect(message?.channel).toBe('whatsapp');
    const approved = await api.check(view.verificationId, await api.code(phone));
    expect(approved.body.result.data.status).toBe('approved');

    await receiver.receivedCount(1);
    const event = JSON.parse(receiver.received[0]!.body);
    expect(event.type).toBe('verification.approved');
    expect(event.data.workflow).toMatchObject([
      { channel: 'sms', status: 'failed', reason: 'provider_error' },
      { channel: 'whatsapp', status: 'approved' },
    ]);

    // /metrics saw the same: one SMS refused by the provider, one WhatsApp code sent and approved.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const site = 'site="pk_test_demo"';
    expect(metrics).toContain(
      `proofline_delivery_failures_total{${site},channel="sms",reason="provider_error"} 1`,
    );
    expect(metrics).toContain(`proofline_messages_sent_total{${site},country="GB",channel="whatsapp"} 1`);
    expect(metrics).not.toMatch(/^proofline_messages_sent_total\{[^}]*channel="sms"/m);
    expect(metrics).toContain(
      `proofline_verifications_approved_total{${site},country="GB",channel="whatsapp",method="otp"} 1`,
    );
    expect(metrics).toContain(`proofline_conversion_ratio{${site},country="GB",channel="whatsapp"} 1`);
  });
});
