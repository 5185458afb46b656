import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import {
  type LineInfoSource,
  offlineLineInfoSource,
  operatorLineInfoSource,
  rangeHolderNetwork,
  twilioLookupSource,
  vonageNumberInsightSource,
} from '../../src/line-info/index.js';
import { createCamaraOperator } from '../../src/operator/camara/index.js';
import {
  sandboxClientId,
  sandboxClientSecret,
  startSandboxOperator,
} from '../../src/operator/sandbox/index.js';
import { lineInfoContract, type SourceUnderTest, threeMobile, threeNetwork } from './contract.js';
import { type ScriptedLine, startTwilioLookup, startVonageNumberInsight } from './providers.js';

/** Short, so a hanging provider fails the lookup quickly; nothing here asserts a duration. */
const timeoutMs = 300;
const threeUk = { mcc: '234', mnc: '20', carrier: 'Hutchison 3G UK Ltd', type: 'mobile' };

async function sandboxSource(dialect?: 'aggregator') {
  const sandbox = await startSandboxOperator({
    clock: new ManualClock(Date.now()),
    ...(dialect ? { dialect } : {}),
  });
  const operatorWith = (clientSecret: string) =>
    createCamaraOperator(
      {
        baseUrl: sandbox.baseUrl,
        clientId: sandboxClientId,
        clientAuth: { method: 'client_secret_basic', clientSecret },
        timeoutMs,
        retryBackoffMs: 5,
        ...(dialect ? { dialect } : {}),
      },
      { clock: new ManualClock(Date.now()) },
    );
  const admin = (path: string, body: unknown) =>
    fetch(`${sandbox.baseUrl}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { sandbox, operatorWith, admin };
}

lineInfoContract('operator', async () => {
  const { sandbox, operatorWith, admin } = await sandboxSource();
  const offline = offlineLineInfoSource();
  return {
    source: operatorLineInfoSource(operatorWith(sandboxClientSecret), offline),
    async knowThreeMobile() {
      await admin(`/subscribers/${encodeURIComponent(threeMobile)}`, {
        operator_name: 'Three',
        network: threeNetwork,
        line_type: 'mobile',
      });
    },
    trouble: {
      async set(kind) {
        await admin('/faults', { status: kind === 'down' ? 503 : null });
        await admin('/latency', { ms: kind === 'hang' ? 5 * timeoutMs : 0 });
      },
      withBadCredentials: () => operatorLineInfoSource(operatorWith('wrong-secret'), offline),
    },
    close: () => sandbox.close(),
  };
});

/** A source on one of the local fakes of providers.ts, which scripts the lines and the trouble. */
function fakeProviderSubject(
  provider: {
    script(number: string, line: ScriptedLine): unknown;
    setTrouble(kind: 'down' | 'hang' | null): void;
    close(): Promise<void>;
  },
  sourceWith: (credential: string) => LineInfoSource,
  credential: string,
): SourceUnderTest {
  return {
    source: sourceWith(credential),
    knowThreeMobile: async () => {
      provider.script(threeMobile, threeUk);
    },
    trouble: {
      set: async (kind) => provider.setTrouble(kind),
      withBadCredentials: () => sourceWith('wrong'),
    },
    close: () => provider.close(),
  };
}

const twilioCredentials = { accountSid: `AC${'0'.repeat(32)}`, authToken: 'lookup-token' };
lineInfoContract('twilio', async () => {
  const provider = await startTwilioLookup(twilioCredentials);
  const { accountSid, authToken } = twilioCredentials;
  return fakeProviderSubject(
    provider,
    (token) => twilioLookupSource({ baseUrl: provider.baseUrl, accountSid, authToken: token, timeoutMs }),
    authToken,
  );
});

const vonageCredentials = { apiKey: 'abcd1234', apiSecret: 'Secret123456789' };
lineInfoContract('vonage', async () => {
  const provider = await startVonageNumberInsight(vonageCredentials);
  const { apiKey, apiSecret } = vonageCredentials;
  return fakeProviderSubject(
    provider,
    (secret) =>
      vonageNumberInsightSource({ baseUrl: provider.baseUrl, apiKey, apiSecret: secret, timeoutMs }),
    apiSecret,
  );
});

lineInfoContract('offline', async () => ({
  source: offlineLineInfoSource(),
  knowThreeMobile: async () => {},
  close: async () => {},
}));

describe('what each source adds', () => {
  it('Vonage: ported, reachable and roaming', async () => {
    const provider = await startVonageNumberInsight(vonageCredentials);
    try {
      provider.script(threeMobile, { ...threeUk, ported: true, roaming: true, reachable: false });
      const source = vonageNumberInsightSource({
        baseUrl: provider.baseUrl,
        ...vonageCredentials,
        timeoutMs,
      });
      expect(await source.lookup(threeMobile)).toMatchObject({
        network: threeNetwork,
        carrierName: 'Hutchison 3G UK Ltd',
        ported: true,
        roaming: true,
        reachable: false,
      });
    } finally {
      await provider.close();
    }
  });

  it('operator: line status, prepaid and ported from its line-info; without one, the offline range holder', async () => {
    const { sandbox, operatorWith, admin } = await sandboxSource();
    try {
      await admin(`/subscribers/${encodeURIComponent(threeMobile)}`, {
        network: '23415',
        operator_name: 'Vodafone UK',
        line_status: 'suspended',
        prepaid: true,
        porting_history: [{ from_carrier: 'Three', to_carrier: 'Vodafone UK', ported_at: '2025-01-01' }],
      });
      const source = operatorLineInfoSource(operatorWith(sandboxClientSecret), offlineLineInfoSource());
      expect(await source.lookup(threeMobile)).toMatchObject({
        network: '23415',
        lineStatus: 'suspended',
        prepaid: true,
        ported: true,
      });
    } finally {
      await sandbox.close();
    }
    const aggregator = await sandboxSource('aggregator');
    try {
      const source = operatorLineInfoSource(
        aggregator.operatorWith(sandboxClientSecret),
        offlineLineInfoSource(),
      );
      expect(await source.lookup(threeMobile)).toMatchObject({ network: threeNetwork, carrierName: 'Three' });
    } finally {
      await aggregator.sandbox.close();
    }
  });

  it('offline: the range holder network from the ITU list, by name', () => {
    expect(rangeHolderNetwork('GB', 'Vodafone')).toBe('23415');
    expect(rangeHolderNetwork('GB', 'EE')).toBe('23430');
    expect(rangeHolderNetwork('GB', 'Three')).toBe('23420');
    expect(rangeHolderNetwork('GB', 'Nobody Mobile')).toBeNull();
    expect(rangeHolderNetwork('ZZ', 'Vodafone')).toBeNull();
  });
});
