import type { NetworkBlocksOutput } from '@proofline/shared';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';
import { startTwilioLookup } from './providers.js';

/**
 * Production-like deployments with no operator at all: networks for blocks come from the
 * configured line-information source — offline prefix data (the range holder's network) or a
 * Twilio-Lookup-speaking server (its MCC-MNC). Five codes to adjacent numbers of one range, never
 * checked, are the current detector's pumping signature.
 */
async function pumpAndBlock(server: RunningProofline) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: 'Bearer sk_test_demo',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: test reads arbitrary JSON answers
    return (await response.json()) as any;
  };
  for (let n = 0; n < 5; n += 1) {
    const sent = await call('POST', '/v1/phone/send-otp', {
      phone: `+44740090${String(n).padStart(4, '0')}`,
      channel: 'sms',
    });
    expect(sent.status).toBe('pending');
  }
  const stopped = await call('POST', '/v1/phone/send-otp', { phone: '+447400919999', channel: 'sms' });
  const blocks = ((await call('GET', '/v1/networks/blocks')) as NetworkBlocksOutput).blocks;
  return { stopped, blocks };
}

const servers: RunningProofline[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});
const noOperator = { ENABLE_SANDBOX: 'false', NODE_ENV: 'test' };

describe('network blocks without an operator', () => {
  it('LINE_INFO=offline: blocks the range holder network the prefix data names (Three UK, 23420)', async () => {
    const server = await startTestServer({ redis: true, env: { ...noOperator, LINE_INFO: 'offline' } });
    servers.push(server);
    expect(server.deps.operator).toBeNull();
    const { stopped, blocks } = await pumpAndBlock(server);
    expect(stopped).toMatchObject({ status: 'blocked', reason: expect.stringContaining('23420') });
    expect(blocks).toEqual([expect.objectContaining({ network: '23420', operator_name: 'Three', level: 1 })]);
  });

  it('LINE_INFO=twilio: blocks the network Twilio Lookup names (MCC 234, MNC 15)', async () => {
    const credentials = { accountSid: `AC${'1'.repeat(32)}`, authToken: 'lookup-token' };
    const lookup = await startTwilioLookup(credentials);
    const vodafone = { mcc: '234', mnc: '15', carrier: 'Vodafone UK', type: 'mobile' };
    for (let n = 0; n < 5; n += 1) lookup.script(`+44740090${String(n).padStart(4, '0')}`, vodafone);
    lookup.script('+447400919999', vodafone);
    const server = await startTestServer({
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
      const { stopped, blocks } = await pumpAndBlock(server);
      expect(stopped).toMatchObject({ status: 'blocked', reason: expect.stringContaining('23415') });
      expect(blocks).toEqual([expect.objectContaining({ network: '23415', operator_name: 'Vodafone UK' })]);
    } finally {
      await lookup.close();
    }
  });
});
