import { afterAll, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';
import { startTwilioLookup } from './providers.js';

/**
 * A start looks its number up once: the lookup's line facts serve the line-type policy, the rules
 * and the fraud gate's network (before and after the send), so a paid source is asked one time.
 */
const credentials = { accountSid: `AC${'2'.repeat(32)}`, authToken: 'lookup-token' };
const lookup = await startTwilioLookup(credentials);
let server: RunningProofline | undefined;
afterAll(async () => {
  await server?.close();
  await lookup.close();
});

it('LINE_INFO=twilio: one start asks Twilio Lookup once', async () => {
  const phone = '+447400123456';
  lookup.script(phone, { mcc: '234', mnc: '15', carrier: 'Vodafone UK', type: 'mobile' });
  server = await startTestServer({
    env: {
      ENABLE_SANDBOX: 'false',
      LINE_INFO: 'twilio',
      TWILIO_LOOKUP_BASE_URL: lookup.baseUrl,
      TWILIO_ACCOUNT_SID: credentials.accountSid,
      TWILIO_AUTH_TOKEN: credentials.authToken,
    },
  });
  const response = await fetch(`${server.url}/v1/phone/send-otp`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_demo', 'content-type': 'application/json' },
    body: JSON.stringify({ phone, channel: 'sms' }),
  });
  expect(await response.json()).toMatchObject({ status: 'pending', channel: 'sms' });
  expect(lookup.requests()).toBe(1);
});
