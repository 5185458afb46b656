import type { SendOtpOutput, VerifyOtpOutput } from '@proofline/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { createRedisStore } from '../../src/store/redis/index.js';
import { startTestServer } from '../support/server.js';
import { otpClient, RELAXED_FRAUD_POLICY, uniqueMobile, wrongCode } from './otp-client.js';

const SITE = 'pk_test_demo';

/** Samples of the Prometheus text by `name{labels}`, labels in the order the exposition writes them. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match) found.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return found;
}

function sample(all: Map<string, number>, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let total = 0;
  for (const [key, value] of all) {
    if (!key.startsWith(`${name}{`) && key !== name) continue;
    if (wanted.every((pair) => key.includes(pair))) total += value;
  }
  return total;
}

describe('/metrics counts what real flows do', () => {
  let server: RunningProofline;
  let client: ReturnType<typeof otpClient>;
  const scrape = async () => samples(await (await fetch(`${server.url}/metrics`)).text());

  /** How much each named sample moved while `work` ran. */
  async function moved(
    watched: Record<string, [string, Record<string, string>]>,
    work: () => Promise<void>,
  ): Promise<Record<string, number>> {
    const before = await scrape();
    await work();
    const after = await scrape();
    return Object.fromEntries(
      Object.entries(watched).map(([name, [metric, labels]]) => [
        name,
        sample(after, metric, labels) - sample(before, metric, labels),
      ]),
    );
  }

  beforeAll(async () => {
    server = await startTestServer({ env: { FRAUD_POLICY: RELAXED_FRAUD_POLICY } });
    client = otpClient(server.url);
  });
  afterAll(() => server.close());
  afterEach(async () => {
    const { body } = await client.rest<{ rules: { rule_id: string }[] }>('GET', '/v1/workflows/rules');
    for (const rule of body.rules ?? []) await client.rest('DELETE', `/v1/workflows/rules/${rule.rule_id}`);
    await client.rest('PUT', '/v1/settings/phone-verification', {
      require_otp: true,
      allowed_countries: null,
    });
  });

  const gb = { site: SITE, country: 'GB' };

  it('a code sent and verified: started, sent by channel and country, approved by method and channel', async () => {
    const phone = uniqueMobile();
    const delta = await moved(
      {
        started: ['proofline_verifications_started_total', { ...gb, channel: 'sms', method: 'otp' }],
        sent: ['proofline_messages_sent_total', { ...gb, channel: 'sms' }],
        approved: ['proofline_verifications_approved_total', { ...gb, channel: 'sms', method: 'otp' }],
        failed: ['proofline_verifications_failed_total', { site: SITE }],
      },
      async () => {
        const sent = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
          phone,
          channel: 'sms',
        });
        expect(sent.status).toBe(200);
        const checked = await client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', {
          verification_id: sent.body.verification_id,
          code: await client.latestCode(phone),
        });
        expect(checked.body.verification_status).toBe('verified');
      },
    );
    expect(delta).toEqual({ started: 1, sent: 1, approved: 1, failed: 0 });
  });

  it('wrong codes to the limit: failed by status, method and channel; conversion is approved ÷ sent', async () => {
    // Its own country, so the ratio is this test's alone: one approved out of two sent.
    const fr = ['+33612345678', '+33612345679'];
    const first = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: fr[0],
      channel: 'sms',
    });
    await client.rest('POST', '/v1/phone/verify-otp', {
      verification_id: first.body.verification_id,
      code: await client.latestCode(fr[0]!),
    });
    const delta = await moved(
      {
        failed: [
          'proofline_verifications_failed_total',
          { site: SITE, status: 'max_attempts_reached', channel: 'sms', method: 'otp' },
        ],
        approved: ['proofline_verifications_approved_total', { site: SITE }],
      },
      async () => {
        const sent = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
          phone: fr[1],
          channel: 'sms',
        });
        const wrong = wrongCode(await client.latestCode(fr[1]!));
        for (let attempt = 0; attempt < 5; attempt++) {
          await client.rest('POST', '/v1/phone/verify-otp', {
            verification_id: sent.body.verification_id,
            code: wrong,
          });
        }
      },
    );
    expect(delta).toEqual({ failed: 1, approved: 0 });
    const after = await scrape();
    expect(sample(after, 'proofline_conversion_ratio', { site: SITE, country: 'FR', channel: 'sms' })).toBe(
      0.5,
    );
  });

  it('refusals by reason, and nothing counted as sent', async () => {
    await client.rest('PUT', '/v1/settings/phone-verification', { allowed_countries: ['GB'] });
    const delta = await moved(
      {
        invalid: ['proofline_refusals_total', { site: SITE, reason: 'invalid_phone' }],
        country: ['proofline_refusals_total', { site: SITE, reason: 'country_not_allowed' }],
        sent: ['proofline_messages_sent_total', { site: SITE }],
      },
      async () => {
        expect((await client.rest('POST', '/v1/phone/send-otp', { phone: '+44123' })).status).toBe(400);
        for (const phone of ['+4915123456789', '+4915123456788']) {
          expect((await client.rest('POST', '/v1/phone/send-otp', { phone, channel: 'sms' })).status).toBe(
            403,
          );
        }
      },
    );
    expect(delta).toEqual({ invalid: 1, country: 2, sent: 0 });
  });

  it('a block rule and a network block: blocked by what blocked it', async () => {
    await client.rest('POST', '/v1/workflows/rules', {
      rule_id: 'block-es',
      trigger: 'verification_started',
      conditions: { all: [{ field: 'country', operator: 'eq', value: 'ES' }] },
      actions: [{ type: 'block', reason: 'No Spanish numbers today.' }],
    });
    const network = uniqueMobile();
    await fetch(`${server.url}/sandbox/operator/subscribers/${encodeURIComponent(network)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ network: '23491', operator_name: 'Pumped Mobile' }),
    });
    await server.deps.fraud.blocks.impose(SITE, '23491', 'Pumped Mobile', 'test');
    const delta = await moved(
      {
        rule: ['proofline_blocked_total', { site: SITE, by: 'rule' }],
        network: ['proofline_blocked_total', { site: SITE, by: 'network' }],
        sent: ['proofline_messages_sent_total', { site: SITE }],
      },
      async () => {
        const ruled = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
          phone: '+34612345678',
        });
        expect(ruled.body).toMatchObject({ status: 'blocked', reason: 'No Spanish numbers today.' });
        const blocked = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
          phone: network,
          channel: 'sms',
        });
        expect(blocked.body.status).toBe('blocked');
      },
    );
    expect(delta).toEqual({ rule: 1, network: 1, sent: 0 });
  });

  it('an approval from the lookup alone (require_otp: false) is started and approved by method lookup', async () => {
    await client.rest('PUT', '/v1/settings/phone-verification', { require_otp: false });
    const delta = await moved(
      {
        started: ['proofline_verifications_started_total', { ...gb, channel: 'none', method: 'lookup' }],
        approved: ['proofline_verifications_approved_total', { ...gb, channel: 'none', method: 'lookup' }],
        sent: ['proofline_messages_sent_total', { site: SITE }],
      },
      async () => {
        const sent = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
          phone: uniqueMobile(),
        });
        expect(sent.body.status).toBe('approved');
      },
    );
    expect(delta).toEqual({ started: 1, approved: 1, sent: 0 });
  });

  it('exposes every product metric with its type', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const [name, type] of [
      ['proofline_verifications_started_total', 'counter'],
      ['proofline_verifications_approved_total', 'counter'],
      ['proofline_verifications_failed_total', 'counter'],
      ['proofline_messages_sent_total', 'counter'],
      ['proofline_delivery_failures_total', 'counter'],
      ['proofline_refusals_total', 'counter'],
      ['proofline_blocked_total', 'counter'],
      ['proofline_network_blocks_total', 'counter'],
      ['proofline_conversion_ratio', 'gauge'],
      ['proofline_operator_call_seconds', 'histogram'],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}`);
    }
  });
});

describe('/metrics counts a rate limit by its reason', () => {
  let server: RunningProofline;
  beforeAll(async () => {
    // The default fraud policy: 5 sends per number in 10 minutes.
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('the sixth start for one number is refused rate_limited, counted once, and nothing more is sent', async () => {
    const client = otpClient(server.url);
    const phone = uniqueMobile();
    const before = samples(await (await fetch(`${server.url}/metrics`)).text());
    const statuses: number[] = [];
    for (let start = 0; start < 6; start++) {
      const answer = await client.trpc('mutation', 'verification.start', {
        siteKey: SITE,
        phone,
        connection: 'wifi',
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const after = samples(await (await fetch(`${server.url}/metrics`)).text());
    const moved = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(moved('proofline_refusals_total', { site: SITE, reason: 'rate_limited' })).toBe(1);
    expect(moved('proofline_messages_sent_total', { site: SITE })).toBe(5);
  });
});

describe('/metrics when the store is down', () => {
  let server: RunningProofline;
  // A Redis that does not answer: nothing listens on port 1.
  const store = createRedisStore({ url: 'redis://127.0.0.1:1' });
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });

  it('counts requests that failed because the store did not answer', async () => {
    const response = await fetch(`${server.url}/v1/settings/phone-verification`, {
      method: 'PUT',
      headers: { authorization: 'Bearer sk_test_demo', 'content-type': 'application/json' },
      body: JSON.stringify({ code_length: 7 }),
    });
    expect(response.status).toBe(503);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^proofline_store_errors_total 1$/m);
  });
});
