import type { NetworkBlocksOutput } from '@proofline/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import type { RunningProofline } from '../../src/index.js';
import { restClient } from '../support/http-client.js';
import { startTestServer } from '../support/server.js';
import { startTwilioLookup } from './providers.js';

/**
 * Production-like deployments with no operator at all: pumping is judged per number prefix first,
 * and networks come from the configured line-information source — offline prefix data (the range
 * holder's network) or a Twilio-Lookup-speaking server (its MCC-MNC).
 */
/** The site's backend calling `server`: the JSON body of each answer. */
function backend(server: RunningProofline) {
  const call = restClient(server.url);
  return async (method: string, path: string, body?: unknown) => (await call(method, path, body)).body;
}

const servers: RunningProofline[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});
const noOperator = { ENABLE_SANDBOX: 'false', NODE_ENV: 'test' };

describe('pumping blocks without an operator', () => {
  it('LINE_INFO=offline: five unverified adjacent numbers block their prefix, named with its range holder (Three)', async () => {
    const server = await startTestServer({ redis: true, env: { ...noOperator, LINE_INFO: 'offline' } });
    servers.push(server);
    expect(server.deps.operator).toBeNull();
    const call = backend(server);
    for (let n = 0; n < 5; n += 1) {
      const sent = await call('POST', '/v1/phone/send-otp', {
        phone: `+44740090${String(n).padStart(4, '0')}`,
        channel: 'sms',
      });
      expect(sent.status).toBe('pending');
    }
    const stopped = await call('POST', '/v1/phone/send-otp', { phone: '+447400909999', channel: 'sms' });
    expect(stopped).toMatchObject({ status: 'blocked', reason: expect.stringContaining('+44740090') });
    const blocks = ((await call('GET', '/v1/networks/blocks')) as NetworkBlocksOutput).blocks;
    expect(blocks).toEqual([
      expect.objectContaining({ network: '+44740090', scope: 'prefix', operator_name: 'Three', level: 1 }),
    ]);
    // Another range of the same holder still gets its codes.
    expect(
      await call('POST', '/v1/phone/send-otp', { phone: '+447400919999', channel: 'sms' }),
    ).toMatchObject({
      status: 'pending',
    });
  });

  it('LINE_INFO=twilio: unverified sends spread over many prefixes block the network Twilio Lookup names (MCC 234, MNC 15)', async () => {
    const credentials = { accountSid: `AC${'1'.repeat(32)}`, authToken: 'lookup-token' };
    const lookup = await startTwilioLookup(credentials);
    const vodafone = { mcc: '234', mnc: '15', carrier: 'Vodafone UK', type: 'mobile' };
    // One number in each of 51 prefixes: no prefix alone shows anything.
    const scattered = (n: number) =>
      `+447400${String(10 + n).padStart(2, '0')}${String(1_000 + n * 7).padStart(4, '0')}`;
    for (let n = 0; n <= 50; n += 1) lookup.script(scattered(n), vodafone);
    // A manual clock: the five sends land in one instant however busy the machine is.
    const server = await startTestServer({
      clock: new ManualClock(Date.now()),
      redis: true,
      env: {
        ...noOperator,
        LINE_INFO: 'twilio',
        TWILIO_LOOKUP_BASE_URL: lookup.baseUrl,
        TWILIO_ACCOUNT_SID: credentials.accountSid,
        TWILIO_AUTH_TOKEN: credentials.authToken,
      },
    });
    servers.push(server);
    try {
      const call = backend(server);
      // A bot's pace: five in a second over five ranges of one network is the spread rule's fast tier.
      for (let n = 0; n < 5; n += 1) {
        expect(
          await call('POST', '/v1/phone/send-otp', { phone: scattered(n), channel: 'sms' }),
        ).toMatchObject({
          status: 'pending',
        });
      }
      const stopped = await call('POST', '/v1/phone/send-otp', { phone: scattered(50), channel: 'sms' });
      expect(stopped).toMatchObject({ status: 'blocked', reason: expect.stringContaining('23415') });
      const blocks = ((await call('GET', '/v1/networks/blocks')) as NetworkBlocksOutput).blocks;
      expect(blocks).toEqual([
        expect.objectContaining({ network: '23415', scope: 'network', operator_name: 'Vodafone UK' }),
      ]);
    } finally {
      await lookup.close();
    }
  });
});
