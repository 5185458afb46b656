import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  FraudCheckBypassOutput,
  GeoPermissionsOutput,
  NetworkBlocksOutput,
  SendOtpOutput,
  Settings,
  UnblockNetworkOutput,
  VerifyOtpOutput,
} from '@proofline/shared';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import type { NetworkInfo } from '../../src/fraud/index.js';
import type { RunningProofline } from '../../src/index.js';
import { StoreUnavailableError } from '../../src/store/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { createRedisStore } from '../../src/store/redis/index.js';
import { codeIn, otpClient } from '../http/otp-client.js';
import { eventually, freePort } from '../store/redis-servers.js';
import { type RestBody, restClient } from '../support/http-client.js';
import { startTestServer } from '../support/server.js';
import { startReceiver } from '../webhooks/receiver.js';

const HOUR = 3_600_000;
const REASON = 'Fraudulent traffic detected for your account on network [ 23415 ].';
const prefixReason = (prefix: string) =>
  `Fraudulent traffic detected for your account on number range [ ${prefix} ].`;
/** The range `pump(client, 1)` walks: the number minus its last 4 digits. */
const PREFIX = '+44740091';
const PREFIX_REASON = prefixReason(PREFIX);
const GENERIC = 'Too many requests. Try again later.';

/** Numbers +4474009… are on the pumped network 23415; every other number on 23410. */
async function networkOf(e164: string): Promise<NetworkInfo | null> {
  return e164.startsWith('+4474009')
    ? { network: '23415', operatorName: 'Vodafone UK' }
    : { network: '23410', operatorName: 'O2 UK' };
}

let addresses = 0;
/**
 * A client whose every call comes from its own address (through the trusted proxy), so that only
 * the buckets a test is about fill up; `ip` pins the address.
 */
function fraudClient(server: RunningProofline) {
  const base = otpClient(server.url);
  const rest = restClient(server.url);
  function call<T>(method: string, path: string, body?: unknown, ip?: string) {
    addresses += 1;
    const from = ip ?? `198.51.100.${addresses % 250}`;
    return rest<RestBody<T>>(method, path, body, { headers: { 'x-forwarded-for': from } });
  }
  async function widgetStart(phone: string, ip: string, extra: Record<string, unknown> = {}) {
    const response = await fetch(`${server.url}/trpc/verification.start`, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ siteKey: 'pk_test_demo', phone, channel: 'sms', ...extra }),
    });
    const body = (await response.json()) as {
      result?: { data: { status: string } };
      error?: { message: string; data: { code: string; retryAfter?: number } };
    };
    return { status: response.status, headers: response.headers, body };
  }
  return { ...base, call, widgetStart };
}

/** Five codes to adjacent numbers of one range (+4474009<range>…), never checked: the pumping signature. */
async function pump(client: FraudClient, range: number, from = 0, pace?: ManualClock): Promise<void> {
  for (let n = 0; n < 5; n += 1) {
    // A second between sends keeps several ranges' pumping apart from the network's spread rule.
    pace?.advance(1_000);
    const phone = `+4474009${range}${String(from + n).padStart(4, '0')}`;
    const sent = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    expect(sent.body.status).toBe('pending');
  }
}

function start(clock: ManualClock, extra: Parameters<typeof startTestServer>[0] = {}) {
  return startTestServer({ redis: true, clock, networkOf, env: { TRUSTED_PROXIES: '127.0.0.1' }, ...extra });
}

type FraudClient = ReturnType<typeof fraudClient>;

/** A server on `clock` started before the block's tests and closed after them; `client` calls it. */
function serveForBlock(clock: ManualClock): { readonly client: FraudClient } {
  let server: RunningProofline;
  let client: FraudClient;
  beforeAll(async () => {
    server = await start(clock);
    client = fraudClient(server);
  });
  afterAll(() => server.close());
  return {
    get client() {
      return client;
    },
  };
}

describe('rate limits over HTTP', () => {
  const clock = new ManualClock();
  const served = serveForBlock(clock);

  it('sends 5 codes to a number in 10 minutes, then answers a generic 429 with Retry-After and sends nothing', async () => {
    const phone = '+447500100001';
    const sendOtp = () =>
      served.client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    // One code and a resend, then three more verifications of the number (each cancelled).
    const first = await sendOtp();
    expect(first.status).toBe(200);
    clock.advance(31_000);
    expect(
      (await served.client.call('POST', `/v1/verifications/${first.body.verification_id}/resend`, {})).status,
    ).toBe(200);
    expect(
      (await served.client.call('POST', `/v1/verifications/${first.body.verification_id}/cancel`, {})).status,
    ).toBe(200);
    for (let verification = 0; verification < 3; verification += 1) {
      const sent = await sendOtp();
      expect(sent.body.status).toBe('pending');
      await served.client.call('POST', `/v1/verifications/${sent.body.verification_id}/cancel`, {});
    }
    expect(await served.client.inbox(phone)).toHaveLength(5);

    const limited = await sendOtp();
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    // The window opened with the first send, 31 s ago.
    expect(retryAfter).toBeGreaterThan(560);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(limited.body).toEqual({
      error: { code: 'rate_limited', message: GENERIC, details: { retry_after: retryAfter } },
    });
    expect(await served.client.inbox(phone)).toHaveLength(5);

    // A widget start for the number, from an address of its own, gets the same generic answer.
    const widget = await served.client.widgetStart(phone, '203.0.113.77');
    expect(widget.status).toBe(429);
    expect(widget.body.error?.message).toBe(GENERIC);
    expect(widget.body.error?.data.code).toBe('rate_limited');
    expect(await served.client.inbox(phone)).toHaveLength(5);
  });

  it('limits widget starts per served.client IP, taken from the trusted proxy header', async () => {
    const ip = '203.0.113.7';
    // Scattered numbers: adjacent ones would (rightly) look like pumping.
    const scattered = (n: number) =>
      `+4475${String(n).padStart(2, '0')}12${String((n * 731) % 10_000).padStart(4, '0')}`;
    for (let n = 0; n < 10; n += 1) {
      // People, not a bot: a second apart (ten numbers in one second would be a spread attack).
      clock.advance(1_000);
      const started = await served.client.widgetStart(scattered(n), ip);
      expect(started.status).toBe(200);
      expect(started.body.result?.data.status).toBe('pending');
    }
    const limited = await served.client.widgetStart(scattered(10), ip);
    expect(limited.status).toBe(429);
    expect(limited.body.error?.data.code).toBe('rate_limited');
    expect(limited.body.error?.message).toBe(GENERIC);
    expect(limited.body.error?.data.retryAfter).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await served.client.inbox(scattered(10))).toEqual([]);
    expect((await served.client.widgetStart(scattered(10), '203.0.113.8')).status).toBe(200);
  });

  it('refuses fraud_check from the widget: its input has no such field', async () => {
    for (const field of ['fraudCheck', 'fraud_check']) {
      const refused = await served.client.widgetStart('+447500200100', '203.0.113.9', { [field]: false });
      expect(refused.status).toBe(400);
      expect(refused.body.error?.data.code).toBe('bad_request');
    }
    expect(await served.client.inbox('+447500200100')).toEqual([]);
  });
});

describe('site, prefix and country buckets over HTTP', () => {
  const open = [{ points: 100_000, durationSeconds: 60 }];
  const tight = [{ points: 2, durationSeconds: 3_600 }];
  const policy = (bucket: 'site' | 'prefix' | 'country') =>
    JSON.stringify({
      rateLimits: { number: open, ip: open, site: open, prefix: open, country: open, [bucket]: tight },
    });

  it.each([
    // Two numbers of one prefix (the number minus its last 4 digits), then a third of it; another prefix passes.
    ['prefix', ['+447500610011', '+447500617342', '+447500619903'], '+447500628004'],
    // Three GB numbers of different prefixes; a French number passes.
    ['country', ['+447500710011', '+447500820022', '+447500930033'], '+33612345678'],
    // Any third number of the site is refused; nothing else to pass within the hour.
    ['site', ['+447501010011', '+33612345679', '+4915123456789'], null],
  ] as const)(
    'the %s bucket refuses the third send with a generic 429 and sends nothing',
    async (bucket, numbers, other) => {
      const server = await startTestServer({
        redis: true,
        networkOf,
        env: { TRUSTED_PROXIES: '127.0.0.1', FRAUD_POLICY: policy(bucket) },
      });
      try {
        const client = fraudClient(server);
        for (const phone of numbers.slice(0, 2)) {
          expect((await client.call('POST', '/v1/phone/send-otp', { phone, channel: 'sms' })).status).toBe(
            200,
          );
        }
        const limited = await client.call('POST', '/v1/phone/send-otp', {
          phone: numbers[2],
          channel: 'sms',
        });
        expect(limited.status).toBe(429);
        expect(limited.body.error).toMatchObject({ code: 'rate_limited', message: GENERIC });
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await client.inbox(numbers[2])).toEqual([]);
        if (other) {
          expect(
            (await client.call('POST', '/v1/phone/send-otp', { phone: other, channel: 'sms' })).status,
          ).toBe(200);
        }
      } finally {
        await server.close();
      }
    },
  );
});

describe('geo permissions and line types over HTTP', () => {
  const clock = new ManualClock();
  const served = serveForBlock(clock);

  it('refuses a country blocked for the channel or outside the allow-list, before any send', async () => {
    const put = await served.client.call<GeoPermissionsOutput>('PUT', '/v1/fraud/geo-permissions', {
      voice: { blocked_countries: ['GB'] },
    });
    expect(put.body).toEqual({ geo_permissions: { voice: { blocked_countries: ['GB'] } } });
    const voice = await served.client.call('POST', '/v1/phone/send-otp', {
      phone: '+447500300001',
      channel: 'voice',
    });
    expect(voice.status).toBe(403);
    expect(voice.body.error?.code).toBe('country_not_allowed');
    expect(await served.client.inbox('+447500300001')).toEqual([]);

    await served.client.call<Settings>('PUT', '/v1/settings/phone-verification', {
      allowed_countries: ['FR'],
    });
    const sms = await served.client.call('POST', '/v1/phone/send-otp', {
      phone: '+447500300002',
      channel: 'sms',
    });
    expect(sms.status).toBe(403);
    expect(sms.body.error?.code).toBe('country_not_allowed');
    await served.client.call<Settings>('PUT', '/v1/settings/phone-verification', { allowed_countries: null });

    const bad = await served.client.call('PUT', '/v1/fraud/geo-permissions', {
      fax: { blocked_countries: ['gb'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('bad_request');

    // Voice reaches GB again for the next test.
    const reset = await served.client.call<GeoPermissionsOutput>('PUT', '/v1/fraud/geo-permissions', {
      voice: {},
    });
    expect(reset.body).toEqual({ geo_permissions: { voice: {} } });
  });

  it('refuses SMS and voice to high-risk destinations until the channel allows them', async () => {
    const inmarsat = '+870773111632';
    for (const channel of ['sms', 'voice'] as const) {
      const refused = await served.client.call('POST', '/v1/phone/send-otp', { phone: inmarsat, channel });
      expect(refused.status).toBe(403);
      expect(refused.body.error?.code).toBe('country_not_allowed');
    }
    expect(await served.client.inbox(inmarsat)).toEqual([]);
    await served.client.call('PUT', '/v1/fraud/geo-permissions', { sms: { allow_high_risk: true } });
    try {
      const sms = await served.client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
        phone: inmarsat,
        channel: 'sms',
      });
      expect(sms.body).toMatchObject({ status: 'pending', channel: 'sms' });
      expect(await served.client.inbox(inmarsat)).toHaveLength(1);
      const voice = await served.client.call('POST', '/v1/phone/send-otp', {
        phone: '+870773111633',
        channel: 'voice',
      });
      expect(voice.body.error?.code).toBe('country_not_allowed');
    } finally {
      await served.client.call('PUT', '/v1/fraud/geo-permissions', { sms: {} });
    }
  });

  it('refuses premium-rate numbers by default, on every channel, unless the site allows them', async () => {
    for (const [phone, channel] of [
      ['+449098790000', 'sms'],
      ['+449098790001', undefined],
      ['+449098790002', 'voice'],
    ] as const) {
      const premium = await served.client.call('POST', '/v1/phone/send-otp', { phone, channel });
      expect(premium.status).toBe(403);
      expect(premium.body.error?.code).toBe('line_type_not_allowed');
      expect(await served.client.inbox(phone)).toEqual([]);
    }
    await served.client.call<Settings>('PUT', '/v1/settings/phone-verification', { block_premium: false });
    try {
      // A premium line gets no text message; the call goes.
      const allowed = await served.client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
        phone: '+449098790003',
      });
      expect(allowed.status).toBe(200);
      expect(allowed.body).toMatchObject({ status: 'pending', channel: 'voice' });
    } finally {
      await served.client.call<Settings>('PUT', '/v1/settings/phone-verification', { block_premium: true });
    }
  });
});

describe('fail closed when the store is down', () => {
  it('answers 503 and sends nothing when Redis is unreachable', async () => {
    const store = createRedisStore({
      url: `redis://127.0.0.1:${await freePort()}`,
      keyPrefix: 'proofline-test:',
    });
    const server = await startTestServer({ store, networkOf });
    try {
      const answer = await otpClient(server.url).rest('POST', '/v1/phone/send-otp', {
        phone: '+447500400001',
      });
      expect(answer.status).toBe(503);
      expect(answer.body.error?.code).toBe('service_unavailable');
      expect(await otpClient(server.url).inbox('+447500400001')).toEqual([]);
    } finally {
      await server.close();
      await store.close();
    }
  });

  it('answers 503 and sends nothing when only the limits cannot answer', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    store.consumeLimits = () => Promise.reject(new StoreUnavailableError());
    const server = await startTestServer({ store, clock, networkOf });
    try {
      const client = otpClient(server.url);
      const answer = await client.rest('POST', '/v1/phone/send-otp', {
        phone: '+447500400002',
        channel: 'sms',
      });
      expect(answer.status).toBe(503);
      expect(await client.inbox('+447500400002')).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('SMS pumping, prefix blocks and unblock over HTTP', () => {
  // Starts at the real time: the webhook signature's timestamp is checked against it.
  const clock = new ManualClock(Date.now());
  let server: RunningProofline;
  let client: FraudClient;
  let hooks: Server;
  const received: { headers: Record<string, string>; body: string }[] = [];
  let secret: string;

  beforeAll(async () => {
    hooks = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ headers: request.headers as Record<string, string>, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    // The escalation test pumps one prefix over several days of the manual clock, while the Redis
    // store's limit windows run on Redis's own time: the prefix bucket is widened for it.
    server = await start(clock, {
      env: {
        TRUSTED_PROXIES: '127.0.0.1',
        FRAUD_POLICY: JSON.stringify({ rateLimits: { prefix: [{ points: 1_000, durationSeconds: 3_600 }] } }),
      },
    });
    client = fraudClient(server);
    const { port } = hooks.address() as AddressInfo;
    const settings = await client.call<Settings>('PUT', '/v1/settings/phone-verification', {
      webhook_url: `http://127.0.0.1:${port}/hooks`,
    });
    secret = settings.body.webhook_secret!;
  });
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => hooks.close(resolve));
  });

  async function blocks() {
    return (await client.call<NetworkBlocksOutput>('GET', '/v1/networks/blocks')).body.blocks!;
  }

  it('blocks the prefix, ends SMS-only verifications blocked, and signs the network.blocked callback', async () => {
    await pump(client, 1);
    const stopped = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: '+447400919999',
      channel: 'sms',
    });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ status: 'blocked', reason: PREFIX_REASON });
    expect(await client.inbox('+447400919999')).toEqual([]);

    const [block, ...others] = await blocks();
    expect(others).toEqual([]);
    expect(block).toMatchObject({
      network: PREFIX,
      scope: 'prefix',
      operator_name: 'Vodafone UK',
      level: 1,
      blocked_at: new Date(clock.now()).toISOString(),
      blocked_until: new Date(clock.now() + HOUR).toISOString(),
      reason: '5 adjacent unverified numbers of one range',
      unblocked_until: null,
      history: [],
    });

    const delivery = await eventually(async () => {
      const found = received.find((entry) => JSON.parse(entry.body).type === 'network.blocked');
      if (!found) throw new Error('no network.blocked callback yet');
      return found;
    });
    const verified = new Webhook(secret).verify(delivery.body, {
      'webhook-id': delivery.headers['webhook-id']!,
      'webhook-timestamp': delivery.headers['webhook-timestamp']!,
      'webhook-signature': delivery.headers['webhook-signature']!,
    });
    expect(verified).toMatchObject({
      type: 'network.blocked',
      data: {
        network: PREFIX,
        scope: 'prefix',
        operator_name: 'Vodafone UK',
        level: 1,
        blocked_until: block!.blocked_until,
        reason: PREFIX_REASON,
      },
    });

    // Real users in another range of the same network, and on another network, are not touched.
    for (const phone of ['+447400925001', '+447500500001']) {
      const other = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
      expect(other.body).toMatchObject({ status: 'pending', channel: 'sms' });
    }
  });

  it('lets fraud_check: false through for that request only, and audits it with the number masked', async () => {
    const phone = '+447400918888';
    const bypass = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone,
      channel: 'sms',
      fraud_check: false,
    });
    expect(bypass.body).toMatchObject({ status: 'pending', channel: 'sms' });
    expect(await client.inbox(phone)).toHaveLength(1);
    const next = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: '+447400918887',
      channel: 'sms',
    });
    expect(next.body.status).toBe('blocked');

    const audit = await client.call<FraudCheckBypassOutput>('GET', '/v1/audit/fraud-check-bypass');
    expect(audit.body.records).toEqual([
      {
        id: expect.any(String),
        site_key: 'pk_test_demo',
        at: new Date(clock.now()).toISOString(),
        phone: '+44******8888',
        verification_id: bypass.body.verification_id,
        channel: 'sms',
        network: '23415',
        reason: `fraud_check: false; the block of [ ${PREFIX} ] was bypassed.`,
      },
    ]);
    expect((await client.call('GET', '/v1/audit/fraud-check-bypass?limit=0')).status).toBe(400);
  });

  it('unblocks the prefix for the time asked, then the block resumes', async () => {
    const unblocked = await client.call<UnblockNetworkOutput>('POST', '/v1/networks/unblock', {
      network: PREFIX,
      unblock_duration: '600',
    });
    expect(unblocked.body).toEqual({
      network: PREFIX,
      unblocked_until: new Date(clock.now() + 600_000).toISOString(),
    });
    expect((await blocks())[0]?.unblocked_until).toBe(unblocked.body.unblocked_until);
    const through = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: '+447400917777',
      channel: 'sms',
    });
    expect(through.body.status).toBe('pending');
    // A real user who checks the code is approved as usual.
    const code = codeIn((await client.inbox('+447400917777'))[0]!.body);
    const checked = await client.call<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', {
      verification_id: through.body.verification_id,
      code,
    });
    expect(checked.body.verification_status).toBe('verified');

    clock.advance(600_000);
    const again = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: '+447400917776',
      channel: 'sms',
    });
    expect(again.body).toMatchObject({ status: 'blocked', reason: PREFIX_REASON });
  });

  it('refuses bad unblock input and answers 404 for a network or prefix that is not blocked', async () => {
    for (const body of [
      { network: '23415', unblock_duration: 86_401 },
      { network: '23415', unblock_duration: 0 },
      { network: 'abc' },
    ]) {
      const refused = await client.call('POST', '/v1/networks/unblock', body);
      expect(refused.status).toBe(400);
      expect(refused.body.error?.code).toBe('bad_request');
    }
    for (const network of ['23410', '23415', '+44740092']) {
      const notBlocked = await client.call('POST', '/v1/networks/unblock', { network });
      expect(notBlocked.status).toBe(404);
      expect(notBlocked.body.error?.code).toBe('network_not_blocked');
    }
    const anonymous = await fetch(`${server.url}/v1/networks/blocks`);
    expect(anonymous.status).toBe(401);
  });

  it('escalates 1 h → 6 h → 24 h → permanent on repeated attacks on the prefix', async () => {
    // The level-1 block of the first test ends after its hour (plus the 10 minutes already passed).
    clock.advance(HOUR);
    expect(await blocks()).toEqual([]);
    for (const [round, hours] of [
      [2, 6],
      [3, 24],
    ] as const) {
      await pump(client, 1, round * 1_000);
      const [block] = await blocks();
      expect(block).toMatchObject({ network: PREFIX, scope: 'prefix', level: round });
      expect(block!.blocked_until).toBe(new Date(clock.now() + hours * HOUR).toISOString());
      clock.advance(hours * HOUR);
    }
    await pump(client, 1, 4_000);
    const [permanent, ...others] = await blocks();
    expect(others).toEqual([]);
    expect(permanent).toMatchObject({ network: PREFIX, scope: 'prefix', level: 4, blocked_until: null });
    expect(permanent?.history.map((period) => period.level)).toEqual([1, 2, 3]);
    clock.advance(30 * 24 * HOUR);
    const stillBlocked = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: '+447400915000',
      channel: 'sms',
    });
    expect(stillBlocked.body).toMatchObject({ status: 'blocked', reason: PREFIX_REASON });
    // One prefix, however often pumped, does not block its network.
    const otherRange = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: '+447400935000',
      channel: 'sms',
    });
    expect(otherRange.body.status).toBe('pending');
  });
});

describe('network blocks from several pumped prefixes over HTTP', () => {
  const clock = new ManualClock(Date.now());
  let server: RunningProofline;
  let client: FraudClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let secret: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await start(clock);
    client = fraudClient(server);
    const settings = await client.call<Settings>('PUT', '/v1/settings/phone-verification', {
      webhook_url: receiver.url,
    });
    secret = settings.body.webhook_secret!;
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it('blocks the network once 3 of its prefixes were blocked, and signs a network-scope callback', async () => {
    await pump(client, 5, 0, clock);
    await pump(client, 6, 0, clock);
    const blocks = async () =>
      (await client.call<NetworkBlocksOutput>('GET', '/v1/networks/blocks')).body.blocks!;
    expect((await blocks()).map(({ network, scope }) => `${scope} ${network}`).sort()).toEqual([
      'prefix +44740095',
      'prefix +44740096',
    ]);
    // Two blocked ranges: the rest of the network still gets codes.
    const between = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: '+447400990001',
      channel: 'sms',
    });
    expect(between.body).toMatchObject({ status: 'pending', channel: 'sms' });

    await pump(client, 7, 0, clock);
    const network = (await blocks()).find(({ scope }) => scope === 'network');
    expect(network).toMatchObject({
      network: '23415',
      operator_name: 'Vodafone UK',
      level: 1,
      blocked_until: new Date(clock.now() + HOUR).toISOString(),
      reason: 'pumping in 3 number ranges of the network',
    });
    const stopped = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: '+447400980001',
      channel: 'sms',
    });
    expect(stopped.body).toMatchObject({ status: 'blocked', reason: REASON });
    expect(await client.inbox('+447400980001')).toEqual([]);
    const otherNetwork = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: '+447500500002',
      channel: 'sms',
    });
    expect(otherNetwork.body).toMatchObject({ status: 'pending', channel: 'sms' });

    const delivery = await eventually(async () => {
      const found = receiver.received.find((entry) => {
        const body = JSON.parse(entry.body) as { type: string; data: { scope?: string } };
        return body.type === 'network.blocked' && body.data.scope === 'network';
      });
      if (!found) throw new Error('no network-scope network.blocked callback yet');
      return found;
    });
    const verified = new Webhook(secret).verify(delivery.body, {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    });
    expect(verified).toMatchObject({
      type: 'network.blocked',
      data: {
        network: '23415',
        scope: 'network',
        operator_name: 'Vodafone UK',
        level: 1,
        blocked_until: network!.blocked_until,
        reason: REASON,
      },
    });

    // The site lifts the network block; the pumped prefixes stay blocked on their own.
    const unblocked = await client.call<UnblockNetworkOutput>('POST', '/v1/networks/unblock', {
      network: '23415',
    });
    expect(unblocked.status).toBe(200);
    const through = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: '+447400980001',
      channel: 'sms',
    });
    expect(through.body).toMatchObject({ status: 'pending', channel: 'sms' });
    const pumped = await client.call<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: '+447400979999',
      channel: 'sms',
    });
    expect(pumped.body).toMatchObject({ status: 'blocked', reason: prefixReason('+44740097') });
  });
});
