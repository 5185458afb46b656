import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../webhooks/receiver.js';
import { CamaraSpecs } from './openapi.js';
import { type Harness, landline, mobile, startHarness } from './sandbox-harness.js';

const specs = new CamaraSpecs();
let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

// CAMARA sinks are https: the sandbox's deliveries to `https://sink.test/…` reach the local receiver.
const sink = 'https://sink.test/camara/events';
beforeAll(async () => {
  receiver = await startReceiver();
  const sinkFetch: typeof fetch = (input, init) =>
    fetch(String(input).replace('https://sink.test', new URL(receiver.url).origin), init);
  h = await startHarness(specs, { sinkFetch });
});
afterAll(async () => {
  await h.close();
  await receiver.close();
});

const simSwap = '/sim-swap-subscriptions/v0.3/subscriptions';
const roaming = '/device-roaming-status-subscriptions/v0.8/subscriptions';
const reachability = '/device-reachability-status-subscriptions/v0.8/subscriptions';
const eventOf = (api: string, kind: string) => `org.camaraproject.${api}.v0.${kind}`;
const kinds: Record<string, string[]> = {
  'sim-swap-subscriptions': ['swapped'],
  'device-roaming-status-subscriptions': [
    'roaming-status',
    'roaming-on',
    'roaming-off',
    'roaming-change-country',
  ],
  'device-reachability-status-subscriptions': [
    'reachability-data',
    'reachability-sms',
    'reachability-disconnected',
  ],
};
/** Every scope of one subscription API (a token's scope string is at most 1024 characters). */
const scopesOf = (api: string) =>
  [...kinds[api]!.map((kind) => `${api}:${eventOf(api, kind)}:create`), `${api}:read`, `${api}:delete`].join(
    ' ',
  );

const credential = (accessToken: string, expiresIn = 86_400_000) => ({
  credentialType: 'ACCESSTOKEN',
  accessToken,
  accessTokenType: 'bearer',
  accessTokenExpiresUtc: new Date(h.clock.now() + expiresIn).toISOString(),
});

/** The next CloudEvent at the sink, checked against its API's event schema. */
async function nextEvent(api: string) {
  const count = receiver.received.length + 1;
  await receiver.receivedCount(count);
  const request = receiver.received[count - 1]!;
  const event = JSON.parse(request.body);
  specs.checkEvent(api, event);
  return { event, headers: request.headers, path: request.path };
}

describe('SIM Swap Subscriptions v0.3', () => {
  const allScopes = scopesOf('sim-swap-subscriptions');
  it('creates, lists, reads and deletes; a swap and the deletion reach the sink with its credential', async () => {
    const token = await h.token(allScopes);
    const line = mobile(300);
    const created = await h.camara(
      simSwap,
      {
        protocol: 'HTTP',
        sink,
        sinkCredential: credential('sink-token-1'),
        types: [eventOf('sim-swap-subscriptions', 'swapped')],
        config: { subscriptionDetail: { phoneNumber: line } },
      },
      { token },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ protocol: 'HTTP', sink, status: 'ACTIVE', id: expect.any(String) });
    expect(created.body).not.toHaveProperty('sinkCredential');
    const id = created.body.id as string;

    const list = await h.camara(simSwap, undefined, { token, method: 'GET' });
    expect(list.body.map((entry: { id: string }) => entry.id)).toContain(id);
    expect((await h.camara(`${simSwap}/${id}`, undefined, { token, method: 'GET' })).body).toEqual(
      created.body,
    );

    const swappedAt = new Date(h.clock.now()).toISOString();
    await h.admin('PUT', `/subscribers/${line}`, { sim_changed_at: swappedAt });
    const swapped = await nextEvent('sim-swap-subscriptions');
    expect(swapped.headers).toMatchObject({
      authorization: 'Bearer sink-token-1',
      'content-type': 'application/cloudevents+json',
    });
    expect(swapped.path).toBe('/camara/events');
    expect(swapped.event).toMatchObject({
      type: eventOf('sim-swap-subscriptions', 'swapped'),
      specversion: '1.0',
      time: swappedAt,
      data: { phoneNumber: line, subscriptionId: id },
    });
    // The same record again is no new swap.
    await h.admin('PUT', `/subscribers/${line}`, { sim_changed_at: swappedAt });

    const deleted = await h.camara(`${simSwap}/${id}`, undefined, { token, method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const ended = await nextEvent('sim-swap-subscriptions');
    expect(ended.event).toMatchObject({
      type: eventOf('sim-swap-subscriptions', 'subscription-ended'),
      data: { subscriptionId: id, terminationReason: 'SUBSCRIPTION_DELETED' },
    });
    const gone = await h.camara(`${simSwap}/${id}`, undefined, { token, method: 'GET' });
    expect([gone.status, gone.body.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('ends a subscription at its expire time with subscription-ended', async () => {
    const token = await h.token(allScopes, { expires_in: 86_400 });
    const created = await h.camara(
      simSwap,
      {
        protocol: 'HTTP',
        sink,
        types: [eventOf('sim-swap-subscriptions', 'swapped')],
        config: {
          subscriptionDetail: { phoneNumber: mobile(301) },
          subscriptionExpireTime: new Date(h.clock.now() + 3_600_000).toISOString(),
        },
      },
      { token },
    );
    expect(created.body.expiresAt).toBe(new Date(h.clock.now() + 3_600_000).toISOString());
    h.clock.advance(3_600_000);
    const list = await h.camara(simSwap, undefined, { token, method: 'GET' });
    expect(list.body.map((entry: { id: string }) => entry.id)).not.toContain(created.body.id);
    const ended = await nextEvent('sim-swap-subscriptions');
    expect(ended.headers).not.toHaveProperty('authorization');
    expect(ended.event.data).toEqual({
      phoneNumber: mobile(301),
      subscriptionId: created.body.id,
      terminationReason: 'SUBSCRIPTION_EXPIRED',
    });
  });

  it('refuses what CAMARA refuses, in its error codes', async () => {
    const token = await h.token(allScopes);
    const readOnly = await h.token('sim-swap-subscriptions:read');
    const threeLegged = await h.token(allScopes, { phone: mobile(302) });
    const request = {
      protocol: 'HTTP',
      sink,
      types: [eventOf('sim-swap-subscriptions', 'swapped')],
      config: { subscriptionDetail: { phoneNumber: mobile(302) } },
    };
    const cases: [unknown, string, number, string][] = [
      [request, readOnly, 403, 'PERMISSION_DENIED'],
      [{ ...request, protocol: 'MQTT3' }, token, 400, 'INVALID_PROTOCOL'],
      [{ ...request, sink: 'http://sink.test/events' }, token, 400, 'INVALID_SINK'],
      [
        { ...request, sinkCredential: { credentialType: 'PLAIN', identifier: 'a', secret: 'b' } },
        token,
        400,
        'INVALID_CREDENTIAL',
      ],
      [
        { ...request, sinkCredential: { ...credential('x'), accessTokenType: 'mac' } },
        token,
        400,
        'INVALID_TOKEN',
      ],
      [
        { ...request, types: ['org.camaraproject.sim-swap-subscriptions.v0.other'] },
        token,
        400,
        'INVALID_ARGUMENT',
      ],
      [{ ...request, config: {} }, token, 400, 'INVALID_ARGUMENT'],
      [
        {
          ...request,
          config: { ...request.config, subscriptionExpireTime: new Date(h.clock.now()).toISOString() },
        },
        token,
        400,
        'OUT_OF_RANGE',
      ],
      [{ ...request, config: { subscriptionDetail: {} } }, token, 422, 'MISSING_IDENTIFIER'],
      [request, threeLegged, 422, 'UNNECESSARY_IDENTIFIER'],
      [
        { ...request, config: { subscriptionDetail: { phoneNumber: landline } } },
        token,
        404,
        'IDENTIFIER_NOT_FOUND',
      ],
    ];
    for (const [body, useToken, status, code] of cases) {
      const answer = await h.camara(simSwap, body, { token: useToken });
      expect([JSON.stringify(body), answer.status, answer.body.code]).toEqual([
        JSON.stringify(body),
        status,
        code,
      ]);
    }
    const missing = await h.camara(`${simSwap}/nope`, undefined, { token, method: 'DELETE' });
    expect([missing.status, missing.body.code]).toEqual([404, 'NOT_FOUND']);

    // A 3-legged subscription names no number, and only its own token's line sees it.
    const own = await h.camara(
      simSwap,
      { ...request, config: { subscriptionDetail: {} } },
      { token: threeLegged },
    );
    expect(own.status).toBe(201);
    const listed = await h.camara(simSwap, undefined, { token, method: 'GET' });
    expect(listed.body.map((entry: { id: string }) => entry.id)).not.toContain(own.body.id);
    const ownList = await h.camara(simSwap, undefined, { token: threeLegged, method: 'GET' });
    expect(ownList.body.map((entry: { id: string }) => entry.id)).toEqual([own.body.id]);
    await h.admin('PUT', `/subscribers/${mobile(302)}`, {
      sim_changed_at: new Date(h.clock.now()).toISOString(),
    });
    const event = await nextEvent('sim-swap-subscriptions');
    expect(event.event.data).toEqual({ subscriptionId: own.body.id });
  });
});

describe('Device Roaming Status Subscriptions v0.8', () => {
  const allScopes = scopesOf('device-roaming-status-subscriptions');
  it('sends roaming-on, change-country and roaming-off, and ends after subscriptionMaxEvents', async () => {
    const token = await h.token(allScopes);
    const line = mobile(310);
    const subscribe = async (kind: string, config: Record<string, unknown> = {}) => {
      const created = await h.camara(
        roaming,
        {
          protocol: 'HTTP',
          sink,
          types: [eventOf('device-roaming-status-subscriptions', kind)],
          config: { subscriptionDetail: { device: { phoneNumber: line } }, ...config },
        },
        { token },
      );
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const status = await subscribe('roaming-status', { subscriptionMaxEvents: 2, initialEvent: true });
    const initial = await nextEvent('device-roaming-status-subscriptions');
    expect(initial.event.data).toEqual({
      device: { phoneNumber: line },
      subscriptionId: status,
      roaming: false,
    });

    const change = await subscribe('roaming-change-country');
    await h.admin('PUT', `/subscribers/${line}`, { roaming_country: 'FR' });
    const on = await nextEvent('device-roaming-status-subscriptions');
    expect(on.event.data).toEqual({
      device: { phoneNumber: line },
      subscriptionId: status,
      roaming: true,
      countryCode: 208,
      countryName: ['FR'],
    });
    const maxed = await nextEvent('device-roaming-status-subscriptions');
    expect(maxed.event.data).toMatchObject({
      subscriptionId: status,
      terminationReason: 'MAX_EVENTS_REACHED',
    });

    await h.admin('PUT', `/subscribers/${line}`, { roaming_country: 'ES' });
    const changed = await nextEvent('device-roaming-status-subscriptions');
    expect(changed.event).toMatchObject({
      type: eventOf('device-roaming-status-subscriptions', 'roaming-change-country'),
      data: { subscriptionId: change, countryCode: 214, countryName: ['ES'] },
    });
    const deleted = await h.camara(`${roaming}/${change}`, undefined, { token, method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const ended = await nextEvent('device-roaming-status-subscriptions');
    expect(ended.event.data).toMatchObject({
      subscriptionId: change,
      terminationReason: 'SUBSCRIPTION_DELETED',
    });
  });

  it('ends a subscription of a line the operator stopped serving', async () => {
    const token = await h.token(allScopes);
    const line = mobile(311);
    const created = await h.camara(
      roaming,
      {
        protocol: 'HTTP',
        sink,
        types: [eventOf('device-roaming-status-subscriptions', 'roaming-on')],
        config: { subscriptionDetail: { device: { phoneNumber: line } } },
      },
      { token },
    );
    await h.admin('PUT', `/subscribers/${line}`, { service_applicable: false });
    const deleted = await h.camara(`${roaming}/${created.body.id}`, undefined, { token, method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const ended = await nextEvent('device-roaming-status-subscriptions');
    expect(ended.event.data).toMatchObject({
      subscriptionId: created.body.id,
      terminationReason: 'SUBSCRIPTION_DELETED',
    });
  });

  it('identifies devices by number only', async () => {
    const token = await h.token(allScopes);
    const answer = await h.camara(
      roaming,
      {
        protocol: 'HTTP',
        sink,
        types: [eventOf('device-roaming-status-subscriptions', 'roaming-on')],
        config: { subscriptionDetail: { device: { ipv6Address: '2001:db8::1' } } },
      },
      { token },
    );
    expect([answer.status, answer.body.code]).toEqual([422, 'UNSUPPORTED_IDENTIFIER']);
  });
});

describe('Device Reachability Status Subscriptions v0.8', () => {
  const allScopes = scopesOf('device-reachability-status-subscriptions');
  it('sends reachability-disconnected when the line goes off the network, and ends when the sink token expires', async () => {
    const token = await h.token(allScopes);
    const line = mobile(320);
    const created = await h.camara(
      reachability,
      {
        protocol: 'HTTP',
        sink,
        sinkCredential: credential('sink-token-3', 7_200_000),
        types: [eventOf('device-reachability-status-subscriptions', 'reachability-disconnected')],
        config: { subscriptionDetail: { device: { phoneNumber: line } } },
      },
      { token },
    );
    expect(created.status).toBe(201);
    await h.admin('PUT', `/subscribers/${line}`, { reachable: { data: false, sms: true } });
    await h.admin('PUT', `/subscribers/${line}`, { reachable: false });
    const disconnected = await nextEvent('device-reachability-status-subscriptions');
    expect(disconnected.event).toMatchObject({
      type: eventOf('device-reachability-status-subscriptions', 'reachability-disconnected'),
      data: { device: { phoneNumber: line }, subscriptionId: created.body.id },
    });
    expect(disconnected.headers.authorization).toBe('Bearer sink-token-3');
    h.clock.advance(7_200_000);
    await h.admin('GET', '/device');
    const ended = await nextEvent('device-reachability-status-subscriptions');
    expect(ended.event.data).toMatchObject({ terminationReason: 'ACCESS_TOKEN_EXPIRED' });
    expect(specs.validated).toBeGreaterThan(20);
  });
});
