import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { DEFAULT_RETRY_FOR_MS, maskPhoneNumbers, WebhookDispatcher } from '../../src/webhooks/index.js';
import { otpClient, RELAXED_FRAUD_POLICY, uniqueMobile } from '../http/otp-client.js';
import { REDIS_URL, startTestServer, testKeyPrefix } from '../support/server.js';
import { startReceiver } from './receiver.js';

type Running = Awaited<ReturnType<typeof startTestServer>>;
let admin: Redis;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(() => {
  admin = new Redis(REDIS_URL);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await admin.quit();
});

/** A server on the real Redis under its own prefix, so the test can reach its keys. */
async function serverOnRedis(env: Record<string, string> = {}) {
  const prefix = testKeyPrefix();
  const server = await startTestServer({
    env: { REDIS_URL, REDIS_KEY_PREFIX: prefix, FRAUD_POLICY: RELAXED_FRAUD_POLICY, ...env },
  });
  cleanups.push(async () => {
    await server.close();
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  });
  return { server, prefix, api: otpClient(server.url) };
}

async function sendCode(api: ReturnType<typeof otpClient>, phone: string) {
  const sent = await api.rest<{ verification_id: string }>('POST', '/v1/phone/send-otp', { phone });
  expect(sent.status).toBe(200);
  return { id: sent.body.verification_id!, code: await api.latestCode(phone) };
}

type Webhook = { type: string; data: { verification_id?: string; phone?: string; status?: string } };

describe('an approval and its webhook event are one write', () => {
  it('approves nothing when the queue write fails, and both once it works', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const { server, prefix, api } = await serverOnRedis();
    await server.deps.webhooks.stop();
    expect(
      (await api.rest('PUT', '/v1/settings/phone-verification', { webhook_url: receiver.url })).status,
    ).toBe(200);
    const phone = uniqueMobile();
    const { id, code } = await sendCode(api, phone);

    // The queue's payload hash holds a string: Redis refuses the event's write (WRONGTYPE).
    const items = `${prefix}{q:webhooks}:items`;
    await admin.set(items, 'not a hash');
    const refused = await api.rest('POST', '/v1/phone/verify-otp', { verification_id: id, code });
    expect(refused.status).toBe(500);
    expect(refused.body.error?.code).toBe('internal_error');
    const meanwhile = await api.rest<{ status: string }>('GET', `/v1/verifications/${id}`);
    expect(meanwhile.body.status).toBe('pending');
    expect(await admin.get(items)).toBe('not a hash');

    await admin.del(items);
    const approved = await api.rest<{ verification_status: string; token: string }>(
      'POST',
      '/v1/phone/verify-otp',
      { verification_id: id, code },
    );
    expect(approved.body.verification_status).toBe('verified');
    expect(approved.body.token).toEqual(expect.any(String));
    expect(await server.deps.store.queueSize('webhooks')).toBe(1);
    expect(await server.deps.webhooks.drainOnce()).toMatchObject({ delivered: 1 });
    const [event] = receiver.received.map((request) => JSON.parse(request.body) as Webhook);
    expect(event).toMatchObject({ type: 'verification.approved', data: { verification_id: id } });
  });
});

describe('webhook endpoints', () => {
  it('masks whole numbers wherever they sit, not number ranges', () => {
    expect(
      maskPhoneNumbers({
        phone: '+447400123456',
        workflow: [{ channel: 'sms', to: '+447400123456' }],
        network: '+44740091',
        reason: 'range +44740091',
      }),
    ).toEqual({
      phone: '+44******3456',
      workflow: [{ channel: 'sms', to: '+44******3456' }],
      network: '+44740091',
      reason: 'range +44740091',
    });
  });

  it('masks numbers in bodies unless the site sets webhook_full_phone', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const { server, api } = await serverOnRedis();
    await server.deps.webhooks.stop();
    await api.rest('PUT', '/v1/settings/phone-verification', { webhook_url: receiver.url });

    const masked = uniqueMobile();
    let sent = await sendCode(api, masked);
    await api.rest('POST', '/v1/phone/verify-otp', { verification_id: sent.id, code: sent.code });
    const full = uniqueMobile();
    const settings = await api.rest<{ webhook_full_phone: boolean }>(
      'PUT',
      '/v1/settings/phone-verification',
      {
        webhook_full_phone: true,
      },
    );
    expect(settings.body.webhook_full_phone).toBe(true);
    sent = await sendCode(api, full);
    await api.rest('POST', '/v1/phone/verify-otp', { verification_id: sent.id, code: sent.code });

    await server.deps.webhooks.drainOnce();
    const bodies = receiver.received.map((request) => request.body);
    expect(bodies).toHaveLength(2);
    expect(JSON.parse(bodies[0]!).data.phone).toBe(`${masked.slice(0, 3)}******${masked.slice(-4)}`);
    expect(bodies[0]).not.toContain(masked.slice(3));
    expect(JSON.parse(bodies[1]!).data.phone).toBe(full);
  });

  it('disables an endpoint that answers 410 until its URL is saved again', async () => {
    const receiver = await startReceiver([{ status: 410 }]);
    cleanups.push(() => receiver.close());
    const { server, api } = await serverOnRedis();
    await server.deps.webhooks.stop();
    await api.rest('PUT', '/v1/settings/phone-verification', { webhook_url: receiver.url });
    const approve = async () => {
      const sent = await sendCode(api, uniqueMobile());
      await api.rest('POST', '/v1/phone/verify-otp', { verification_id: sent.id, code: sent.code });
    };

    await approve();
    expect(await server.deps.webhooks.drainOnce()).toMatchObject({ deadLettered: 1 });
    const settings = async () =>
      (await api.rest<{ webhook_status: string }>('GET', '/v1/settings/phone-verification')).body;
    expect(await settings()).toMatchObject({ webhook_status: 'disabled', webhook_url: receiver.url });

    // Disabled: an approval queues nothing, and nothing is posted.
    await approve();
    expect(await server.deps.store.queueSize('webhooks')).toBe(0);
    expect(receiver.received).toHaveLength(1);

    const saved = await api.rest('PUT', '/v1/settings/phone-verification', { webhook_url: receiver.url });
    expect(saved.body).toMatchObject({ webhook_status: 'active' });
    await approve();
    expect(await server.deps.webhooks.drainOnce()).toMatchObject({ delivered: 1 });
    expect(receiver.received).toHaveLength(2);
  });
});

describe('webhook URLs are checked when saved (ALLOW_INSECURE_WEBHOOKS=false)', () => {
  let server: Running;
  beforeAll(async () => {
    const table: Record<string, string[]> = {
      'hooks.shop.example': ['93.184.215.14'],
      'internal.shop.example': ['93.184.215.14', '192.168.0.10'],
      'nat64.shop.example': ['64:ff9b::a9fe:a9fe'],
    };
    server = await startTestServer({
      env: { ALLOW_INSECURE_WEBHOOKS: 'false' },
      resolveHost: async (host) => {
        const found = table[host];
        if (!found) throw new Error(`ENOTFOUND ${host}`);
        return found;
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    'http://hooks.shop.example/proofline',
    'ftp://hooks.shop.example/proofline',
    'https://127.0.0.1/proofline',
    'https://[::1]/proofline',
    'https://169.254.169.254/latest/meta-data',
    'https://[64:ff9b::a9fe:a9fe]/proofline',
    'https://[2002:a9fe:a9fe::]/proofline',
    'https://[fec0::1]/proofline',
    'https://[::a9fe:a9fe]/proofline',
    'https://internal.shop.example/proofline',
    'https://nat64.shop.example/proofline',
    'https://unknown.shop.example/proofline',
  ])('refuses %s with 400 invalid_webhook_url', async (webhook_url) => {
    const answer = await otpClient(server.url).rest('PUT', '/v1/settings/phone-verification', {
      webhook_url,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'invalid_webhook_url',
      details: [{ path: 'webhook_url', code: 'invalid_webhook_url' }],
    });
    const stored = await otpClient(server.url).rest('GET', '/v1/settings/phone-verification');
    expect(stored.body).toMatchObject({ webhook_url: null });
  });

  it('stores an https URL whose every address is public', async () => {
    const answer = await otpClient(server.url).rest('PUT', '/v1/settings/phone-verification', {
      webhook_url: 'https://hooks.shop.example/proofline',
    });
    expect(answer.status).toBe(200);
  });
});

describe('delivery', () => {
  it('refuses at send time a name that now resolves to an internal address', async () => {
    const clock = new ManualClock(Date.now());
    let address = '93.184.215.14';
    const dispatcher = new WebhookDispatcher({
      store: new MemoryStore(clock),
      clock,
      allowInsecure: false,
      resolveHost: async () => [address],
      retryDelaysMs: [],
      retryForMs: 0,
    });
    await dispatcher.enqueue(
      'pk_live_shop',
      'https://hooks.shop.example/p',
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      {
        type: 'case.created',
        data: {},
      },
    );
    address = '64:ff9b::7f00:1';
    expect(await dispatcher.drainOnce()).toMatchObject({ deadLettered: 1 });
    expect((await dispatcher.deadLetters())[0]).toMatchObject({ lastError: 'EWEBHOOKTARGET' });
  });

  it('keeps retrying a failing endpoint for at least 3 days', async () => {
    const receiver = await startReceiver(Array.from({ length: 100 }, () => ({ status: 503 })));
    cleanups.push(() => receiver.close());
    const clock = new ManualClock(Date.now());
    // The longest jitter each time: the fewest attempts in the window.
    const dispatcher = new WebhookDispatcher({
      store: new MemoryStore(clock),
      clock,
      allowInsecure: true,
      random: () => 0.999,
    });
    const queuedAt = clock.now();
    await dispatcher.enqueue('pk_live_shop', receiver.url, ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], {
      type: 'case.created',
      data: {},
    });
    let lastAttemptAt = 0;
    for (;;) {
      const report = await dispatcher.drainOnce();
      if (report.claimed > 0) lastAttemptAt = clock.now();
      if (report.deadLettered > 0) break;
      clock.advance(60_000);
    }
    expect(lastAttemptAt - queuedAt).toBeGreaterThanOrEqual(DEFAULT_RETRY_FOR_MS);
    expect(DEFAULT_RETRY_FOR_MS).toBeGreaterThanOrEqual(3 * 86_400_000);
    expect(receiver.received.length).toBeGreaterThan(9);
    // ManualClock-driven: webhook timestamps follow the clock, so receivers see the real spread.
    const first = Number(receiver.received[0]!.headers['webhook-timestamp']);
    const last = Number(receiver.received.at(-1)!.headers['webhook-timestamp']);
    expect((last - first) * 1000).toBeGreaterThanOrEqual(DEFAULT_RETRY_FOR_MS);
  });
});
