import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import type { RunningProofline } from '../../src/index.js';
import { RetentionJob } from '../../src/retention/index.js';
import { VerificationRepository } from '../../src/verification/index.js';
import { clientOf } from '../faults/client.js';
import { eventually, type LocalCluster, startCluster } from '../store/redis-servers.js';
import { logCapture, startTestServer, testKeyPrefix } from '../support/server.js';
import { startReceiver } from '../webhooks/receiver.js';

const DAY = 86_400_000;

/**
 * The whole OTP flow on a local 3-master Redis Cluster: every multi-key step must keep its keys in
 * one hash slot, or Redis answers CROSSSLOT and the request fails.
 */
describe('a full OTP flow on Redis Cluster', () => {
  let cluster: LocalCluster;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: RunningProofline;
  const clock = new ManualClock(Date.now());
  const logs = logCapture();

  beforeAll(async () => {
    cluster = await startCluster();
    receiver = await startReceiver();
    server = await startTestServer({
      clock,
      logDestination: logs.destination,
      env: {
        LOG_LEVEL: 'info',
        REDIS_URL: `redis://${cluster.nodes[0]!.host}:${cluster.nodes[0]!.port}`,
        REDIS_CLUSTER_NODES: cluster.nodes.map((node) => `${node.host}:${node.port}`).join(','),
        REDIS_KEY_PREFIX: testKeyPrefix(),
        ALLOW_INSECURE_WEBHOOKS: 'true',
      },
    });
    // The client learns the slot map as it connects; the flow starts once the store answers.
    await eventually(async () => expect((await clientOf(server.url).call('/readyz')).status).toBe(200));
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await cluster?.close();
  });

  it('starts, resends, checks, approves, redeems, notifies and retires without a CROSSSLOT', async () => {
    const api = clientOf(server.url);
    const settings = await api.backend('PUT', '/v1/settings/phone-verification', {
      webhook_url: receiver.url,
      resend_cooldown_seconds: 0,
    });
    expect(settings.status).toBe(200);

    // Widget flow over tRPC.
    const phone = '+447400600001';
    const started = await api.start(phone);
    expect(started.status).toBe(200);
    const { verificationId } = started.body.result.data;
    // A resend without a channel moves on to the next one of the workflow.
    const resent = await api.widget('verification.resend', { verificationId });
    expect(resent.body.result.data).toMatchObject({ status: 'pending', channel: 'whatsapp' });
    const code = await api.code(phone);
    const wrong = await api.check(verificationId, code === '000000' ? '111111' : '000000');
    expect(wrong.body.result.data).toMatchObject({ status: 'pending', attemptsLeft: 4 });
    const approved = await api.check(verificationId, code);
    expect(approved.body.result.data.status).toBe('approved');
    const first = await api.siteverify(approved.body.result.data.token);
    expect(first.body).toMatchObject({ success: true, phone, method: 'otp', channel: 'whatsapp' });
    expect((await api.siteverify(approved.body.result.data.token)).body.success).toBe(false);

    // Site backend flow over REST, checked by phone number.
    const restPhone = '+447400600002';
    const sent = await api.backend('POST', '/v1/phone/send-otp', { phone: restPhone });
    expect(sent.status).toBe(200);
    const verified = await api.backend('POST', '/v1/phone/verify-otp', {
      phone: restPhone,
      code: await api.code(restPhone),
    });
    expect(verified.body).toMatchObject({ verification_status: 'verified' });
    const record = await api.backend('GET', `/v1/verifications/${sent.body.verification_id}`);
    expect(record.body).toMatchObject({ status: 'approved', phone: restPhone });

    await receiver.receivedCount(2);
    expect(receiver.received.map((webhook) => JSON.parse(webhook.body).type)).toEqual([
      'verification.approved',
      'verification.approved',
    ]);

    // The retention sweep's index and deletes route by slot too.
    clock.advance(31 * DAY);
    const retention = new RetentionJob({
      records: new VerificationRepository(server.deps.store, 30 * DAY),
      clock,
      logger: server.deps.logger,
      retentionDays: 30,
    });
    expect(await retention.sweep()).toBe(2);
    expect((await api.get(verificationId)).status).toBe(404);

    expect((await api.call('/readyz')).status).toBe(200);
    expect(logs.lines().filter((line) => /CROSSSLOT|"level":50/.test(line))).toEqual([]);
  });
});
