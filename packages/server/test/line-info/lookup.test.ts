import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { restClient } from '../support/http-client.js';
import { startTestServer } from '../support/server.js';
import { startTwilioLookup, startVonageNumberInsight } from './providers.js';

/** `POST /v1/phone/lookup` with a provider as the line-information source and no operator. */
const lookup = async (server: RunningProofline, phone: string) =>
  (await restClient(server.url)('POST', '/v1/phone/lookup', { phone })).body;

const vodafone = { mcc: '234', mnc: '15', carrier: 'Vodafone UK', type: 'nonFixedVoip' };
let twilio: Awaited<ReturnType<typeof startTwilioLookup>>;
let vonage: Awaited<ReturnType<typeof startVonageNumberInsight>>;
const servers: RunningProofline[] = [];
beforeAll(async () => {
  twilio = await startTwilioLookup({ accountSid: `AC${'2'.repeat(32)}`, authToken: 't' });
  vonage = await startVonageNumberInsight({ apiKey: 'k', apiSecret: 's' });
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await twilio.close();
  await vonage.close();
});

describe('lookups from the configured source', () => {
  it('LINE_INFO=operator with no operator stops the start naming the variable', async () => {
    await expect(
      startTestServer({ env: { ENABLE_SANDBOX: 'false', LINE_INFO: 'operator' } }),
    ).rejects.toThrow('invalid LINE_INFO: operator needs OPERATOR_BASE_URL or the sandbox operator');
  });

  it('LINE_INFO=twilio: network, carrier and line type from Lookup; what it does not say stays unknown', async () => {
    twilio.script('+447400123456', vodafone);
    const server = await startTestServer({
      env: {
        ENABLE_SANDBOX: 'false',
        LINE_INFO: 'twilio',
        TWILIO_LOOKUP_BASE_URL: twilio.baseUrl,
        TWILIO_ACCOUNT_SID: `AC${'2'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 't',
      },
    });
    servers.push(server);
    expect(await lookup(server, '+447400123456')).toMatchObject({
      type: 'voip',
      carrier: { name: 'Vodafone UK', type: 'voip', network: '23415' },
      line_status: 'unknown',
      prepaid: null,
      ported: null,
      source: 'twilio',
    });
    // Lookup does not know the number: the offline prefix data answers.
    expect(await lookup(server, '+447700900123')).toMatchObject({ source: 'prefix_data' });
  });

  it('LINE_INFO=vonage: also ported', async () => {
    vonage.script('+447400123456', { ...vodafone, type: 'mobile', ported: true });
    const server = await startTestServer({
      env: {
        ENABLE_SANDBOX: 'false',
        LINE_INFO: 'vonage',
        VONAGE_BASE_URL: vonage.baseUrl,
        VONAGE_API_KEY: 'k',
        VONAGE_API_SECRET: 's',
      },
    });
    servers.push(server);
    expect(await lookup(server, '+447400123456')).toMatchObject({
      type: 'mobile',
      carrier: { name: 'Vodafone UK', network: '23415' },
      ported: true,
      source: 'vonage',
    });
  });
});
