import {
  MonitorOutput,
  ReachabilityChangedEvent,
  RoamingChangedEvent,
  SimSwapDetectedEvent,
} from '@proofline/shared';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { type RestCall, restClient } from '../support/http-client.js';
import { startTestServer } from '../support/server.js';
import { startReceiver } from '../webhooks/receiver.js';

let server: RunningProofline;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let secret: string;
let call: RestCall;

beforeAll(async () => {
  receiver = await startReceiver();
  server = await startTestServer();
  call = restClient(server.url);
  const settings = await call('PUT', '/v1/settings/phone-verification', { webhook_url: receiver.url });
  secret = settings.body.webhook_secret;
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

const sandbox = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}/sandbox/operator${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

/** The next webhook at the site's receiver, verified with the site's secret by `standardwebhooks`. */
async function nextWebhook(): Promise<{ type: string; data: Record<string, unknown> }> {
  const count = receiver.received.length + 1;
  await receiver.receivedCount(count);
  const request = receiver.received[count - 1]!;
  return new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as {
    type: string;
    data: Record<string, unknown>;
  };
}

/** The sandbox operator's own list of SIM swap subscriptions (what Proofline created there). */
async function operatorSimSwapSubscriptions(): Promise<{ id: string; config: unknown }[]> {
  const minted = await sandbox('POST', '/admin/tokens', {
    scope: 'sim-swap-subscriptions:read',
    expires_in: 600,
  });
  const { access_token } = (await minted.json()) as { access_token: string };
  const list = await fetch(`${server.url}/sandbox/operator/sim-swap-subscriptions/v0.3/subscriptions`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  return (await list.json()) as { id: string; config: unknown }[];
}

describe('POST /v1/phone/monitor', () => {
  it('subscribes at the operator; a sandbox SIM swap reaches the site as a signed sim_swap.detected', async () => {
    const line = '+447400300001';
    const created = await call('POST', '/v1/phone/monitor', { phone: '447400300001', events: ['sim_swap'] });
    expect(created.status).toBe(200);
    const monitor = MonitorOutput.parse(created.body);
    expect(monitor).toMatchObject({ phone: line, events: ['sim_swap'], expires_at: null });
    const atOperator = await operatorSimSwapSubscriptions();
    expect(atOperator.map((entry) => entry.config)).toContainEqual({
      subscriptionDetail: { phoneNumber: line },
    });

    const swappedAt = new Date().toISOString();
    expect(
      (await sandbox('PUT', `/subscribers/${encodeURIComponent(line)}`, { sim_changed_at: swappedAt }))
        .status,
    ).toBe(200);
    const webhook = await nextWebhook();
    expect(webhook.type).toBe('sim_swap.detected');
    expect(SimSwapDetectedEvent.parse(webhook.data)).toEqual({
      phone: '+44******0001',
      swapped_at: expect.any(String),
      subscription_id: monitor.subscription_id,
    });

    const deleted = await call('DELETE', `/v1/phone/monitor/${monitor.subscription_id}`);
    expect(deleted).toEqual({
      status: 200,
      body: { subscription_id: monitor.subscription_id, deleted: true },
    });
    expect((await operatorSimSwapSubscriptions()).map((entry) => entry.config)).not.toContainEqual({
      subscriptionDetail: { phoneNumber: line },
    });
    const again = await call('DELETE', `/v1/phone/monitor/${monitor.subscription_id}`);
    expect([again.status, again.body.error.code]).toEqual([404, 'not_found']);
  });

  it('shows the full number with webhook_full_phone, and reports roaming and reachability when asked', async () => {
    await call('PUT', '/v1/settings/phone-verification', { webhook_full_phone: true });
    const line = '+447400300002';
    const created = await call('POST', '/v1/phone/monitor', {
      phone: line,
      events: ['roaming', 'reachability', 'sim_swap'],
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(created.status).toBe(200);
    const id = created.body.subscription_id;

    await sandbox('PUT', `/subscribers/${encodeURIComponent(line)}`, { roaming_country: 'FR' });
    const roaming = await nextWebhook();
    expect(roaming.type).toBe('roaming.changed');
    expect(RoamingChangedEvent.parse(roaming.data)).toMatchObject({
      phone: line,
      roaming: true,
      country_code: 208,
      country_names: ['FR'],
      subscription_id: id,
    });

    // The PUT replaces the record: roaming ends, and the line is off the network.
    await sandbox('PUT', `/subscribers/${encodeURIComponent(line)}`, { reachable: false });
    const both = [await nextWebhook(), await nextWebhook()].sort((a, b) => a.type.localeCompare(b.type));
    expect(both.map((event) => event.type)).toEqual(['reachability.changed', 'roaming.changed']);
    expect(ReachabilityChangedEvent.parse(both[0]!.data)).toMatchObject({
      phone: line,
      reachable: false,
      connectivity: [],
    });
    expect(both[1]!.data).toMatchObject({ roaming: false, country_code: null, country_names: [] });
    await call('DELETE', `/v1/phone/monitor/${id}`);
    await call('PUT', '/v1/settings/phone-verification', { webhook_full_phone: false });
  });

  it('refuses bad input with field paths, and the sink refuses a foreign token', async () => {
    const cases: [unknown, string][] = [
      [{ phone: '+447400300003', events: [] }, 'events'],
      [{ phone: '+447400300003', events: ['sim_swap', 'sim_swap'] }, 'events'],
      [{ phone: '+447400300003', events: ['porting'] }, 'events.0'],
      [{ phone: '+447400300003', events: ['sim_swap'], expires_at: 'tomorrow' }, 'expires_at'],
      [{ phone: '+447400300003', events: ['sim_swap'], expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
      [{ phone: '+447400300003', events: ['sim_swap'], colour: 'red' }, ''],
    ];
    for (const [body, path] of cases) {
      const answer = await call('POST', '/v1/phone/monitor', body);
      expect([answer.status, answer.body.error.code]).toEqual([400, 'bad_request']);
      expect(answer.body.error.details.map((issue: { path: string }) => issue.path)).toContain(path);
    }
    const invalid = await call('POST', '/v1/phone/monitor', { phone: '12', events: ['sim_swap'] });
    expect([invalid.status, invalid.body.error.code]).toEqual([400, 'invalid_phone']);
    const landline = await call('POST', '/v1/phone/monitor', {
      phone: '+441212345678',
      events: ['sim_swap'],
    });
    expect([landline.status, landline.body.error.code]).toEqual([404, 'not_found']);
    const anonymous = await call(
      'POST',
      '/v1/phone/monitor',
      { phone: '+447400300003', events: ['sim_swap'] },
      { headers: { authorization: '' } },
    );
    expect(anonymous.status).toBe(401);

    const created = await call('POST', '/v1/phone/monitor', { phone: '+447400300003', events: ['sim_swap'] });
    const event = {
      id: 'e1',
      source: 'x',
      type: 'org.camaraproject.sim-swap-subscriptions.v0.swapped',
      specversion: '1.0',
      time: new Date().toISOString(),
      data: { subscriptionId: 'whatever' },
    };
    const forged = await fetch(`${server.url}/v1/phone/monitor/${created.body.subscription_id}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', authorization: 'Bearer forged' },
      body: JSON.stringify(event),
    });
    expect(forged.status).toBe(401);
    const malformed = await fetch(`${server.url}/v1/phone/monitor/${created.body.subscription_id}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', authorization: 'Bearer forged' },
      body: '{"id":',
    });
    expect(malformed.status).toBe(400);
    const count = receiver.received.length;
    await call('DELETE', `/v1/phone/monitor/${created.body.subscription_id}`);
    expect(receiver.received.length).toBe(count);
  });
});
