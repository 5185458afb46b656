import type { SendOtpOutput, VerifyOtpOutput } from '@proofline/shared';
import { maskPhone } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { logCapture, startTestServer } from '../support/server.js';
import { otpClient, RELAXED_FRAUD_POLICY, uniqueMobile, wrongCode } from './otp-client.js';

/** A whole flow at debug level, then its log stream searched for what must never be there. */
const capture = logCapture();
let server: RunningProofline;
beforeAll(async () => {
  server = await startTestServer({
    redis: true,
    logDestination: capture.destination,
    env: { LOG_LEVEL: 'debug', FRAUD_POLICY: RELAXED_FRAUD_POLICY },
  });
});
afterAll(() => server.close());

describe('logs of a whole flow', () => {
  it('hold no code, token or secret, and phones only masked', async () => {
    const client = otpClient(server.url);
    const phone = uniqueMobile();
    const sent = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    const id = sent.body.verification_id!;
    const code = await client.latestCode(phone);
    await client.rest('POST', '/v1/phone/verify-otp', { verification_id: id, code: wrongCode(code) });
    const right = await client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', {
      verification_id: id,
      code,
    });
    const token = right.body.token!;
    await client.rest('POST', '/v1/siteverify', { response: token });
    const widgetPhone = uniqueMobile();
    const started = await client.trpc('mutation', 'verification.start', {
      siteKey: 'pk_test_demo',
      phone: widgetPhone,
      // On Wi-Fi: no silent step, the code goes out at once.
      connection: 'wifi',
    });
    const widgetCode = await client.latestCode(widgetPhone);
    await client.trpc('mutation', 'verification.check', {
      siteKey: 'pk_test_demo',
      verificationId: started.data.verificationId,
      code: widgetCode,
    });

    const text = capture.lines().join('\n');
    expect(text).toContain('verification approved');
    expect(text).toContain(maskPhone(phone));
    // Codes as whole numbers: six digits may well occur inside a timestamp.
    for (const otp of [code, widgetCode]) expect(text).not.toMatch(new RegExp(`(?<!\\d)${otp}(?!\\d)`));
    for (const secret of [token, token.split('.')[2]!, 'sk_test_demo', phone, widgetPhone]) {
      expect(text).not.toContain(secret);
    }
  });
});
