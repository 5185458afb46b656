import { randomBytes, randomUUID } from 'node:crypto';
import { WebhookEnvelope } from '@proofline/shared';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import type { Store } from '../../src/store/index.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../../src/webhooks/index.js';
import { storesUnderTest } from '../tokens/stores.js';
import { type Reply, startReceiver } from './receiver.js';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const blocked = {
  type: 'network.blocked' as const,
  data: {
    network: '23415',
    operator_name: 'Vodafone UK',
    level: 1,
    blocked_until: null,
    reason: 'sms pumping',
  },
};

const stores = storesUnderTest('webhooks');
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

describe.each(stores)('webhook delivery on the $name store', (storeUnderTest) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  // Real time at the start: the receiver's `Webhook.verify` checks the timestamp against Date.now().
  async function setUp(replies: Reply[] = [], options: Partial<WebhookDispatcherOptions> = {}) {
    const clock = new ManualClock(Date.now());
    const space = randomUUID();
    const store = storeUnderTest.create(clock, space);
    const receiver = await startReceiver(replies);
    cleanups.push(
      () => receiver.close(),
      () => store.close(),
    );
    const dispatcherOn = (on: Store) =>
      new WebhookDispatcher({ store: on, clock, allowInsecure: true, random: () => 0.5, ...options });
    return { clock, store, space, receiver, dispatcher: dispatcherOn(store), dispatcherOn };
  }

  it('posts {type, timestamp, data} signed so that a standardwebhooks receiver verifies it', async () => {
    const { receiver, dispatcher, clock } = await setUp();
    const secret = newSecret();
    const { webhookId } = await dispatcher.enqueue('pk_test_demo', receiver.url, [secret], blocked);
    expect(await dispatcher.drainOnce()).toEqual({ claimed: 1, delivered: 1, retried: 0, deadLettered: 0 });

    const [request] = receiver.received;
    expect(request!.headers).toMatchObject({
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(clock.now() / 1000)),
      'content-type': 'application/json',
    });
    const verified = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>);
    expect(WebhookEnvelope.parse(verified)).toEqual({
      type: 'network.blocked',
      timestamp: new Date(clock.now()).toISOString(),
      data: blocked.data,
    });
    expect(() =>
      new Webhook(secret).verify(
        request!.body.replace('23415', '23410'),
        request!.headers as Record<string, string>,
      ),
    ).toThrow('No matching signature');
    expect(() =>
      new Webhook(newSecret()).verify(request!.body, request!.headers as Record<string, string>),
    ).toThrow();
  });

  it('signs with both secrets during a rotation', async () => {
    const { receiver, dispatcher } = await setUp();
    const [current, previous] = [newSecret(), newSecret()];
    await dispatcher.enqueue('pk_test_demo', receiver.url, [current, previous], blocked);
    await dispatcher.drainOnce();
    const [request] = receiver.received;
    const headers = request!.headers as Record<string, string>;
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify(request!.body, headers)).toMatchObject({ type: 'network.blocked' });
    }
  });

  it('retries with exponential backoff and full jitter on the clock, same webhook-id', async () => {
    const { receiver, dispatcher, clock, store } = await setUp([{ status: 500 }, { status: 503 }]);
    const secret = newSecret();
    await dispatcher.enqueue('pk_test_demo', receiver.url, [secret], blocked);

    expect(await dispatcher.drainOnce()).toMatchObject({ claimed: 1, retried: 1 });
    // random 0.5 → half of the 5 s step; not due a millisecond earlier.
    clock.advance(2_499);
    expect(await dispatcher.drainOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1);
    expect(await dispatcher.drainOnce()).toMatchObject({ claimed: 1, retried: 1 });
    clock.advance(14_999);
    expect(await dispatcher.drainOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1);
    expect(await dispatcher.drainOnce()).toMatchObject({ claimed: 1, delivered: 1 });

    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(receiver.received.map((request) => Number(request.headers['webhook-timestamp']))).toEqual([
      Math.floor((clock.now() - 17_500) / 1000),
      Math.floor((clock.now() - 15_000) / 1000),
      Math.floor(clock.now() / 1000),
    ]);
    expect(await store.queueSize('webhooks')).toBe(0);
    clock.advance(86_400_000);
    expect(await dispatcher.drainOnce()).toMatchObject({ claimed: 0 });
  });

  it('dead-letters after the last attempt, keeping the body but not the secrets', async () => {
    const { receiver, dispatcher, clock, store } = await setUp(
      [{ status: 500 }, { status: 302, headers: { location: '/elsewhere' } }, { status: 500 }],
      { retryDelaysMs: [1_000, 2_000], retryForMs: 0 },
    );
    const secret = newSecret();
    const { webhookId } = await dispatcher.enqueue('pk_test_demo', receiver.url, [secret], blocked);
    expect(await dispatcher.drainOnce()).toMatchObject({ retried: 1 });
    clock.advance(1_000);
    expect(await dispatcher.drainOnce()).toMatchObject({ retried: 1 });
    clock.advance(2_000);
    expect(await dispatcher.drainOnce()).toMatchObject({ deadLettered: 1 });
    expect(receiver.received.map((request) => request.path)).toEqual(Array(3).fill('/hooks/proofline'));
    expect(await store.queueSize('webhooks')).toBe(0);

    const [letter] = await dispatcher.deadLetters();
    expect(letter).toMatchObject({
      webhookId,
      siteKey: 'pk_test_demo',
      type: 'network.blocked',
      attempts: 3,
      lastError: 'HTTP 500',
    });
    expect(JSON.parse(letter!.body).data).toEqual(blocked.data);
    expect(JSON.stringify(letter)).not.toContain(secret.slice(6));
  });

  it('stops at once on 410 Gone and waits at least Retry-After on 429', async () => {
    const { receiver, dispatcher, clock } = await setUp([
      { status: 429, headers: { 'retry-after': '60' } },
      { status: 410 },
    ]);
    await dispatcher.enqueue('pk_test_demo', receiver.url, [newSecret()], blocked);
    expect(await dispatcher.drainOnce()).toMatchObject({ retried: 1 });
    clock.advance(59_999);
    expect(await dispatcher.drainOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1);
    expect(await dispatcher.drainOnce()).toMatchObject({ deadLettered: 1 });
    expect((await dispatcher.deadLetters())[0]).toMatchObject({ attempts: 2, lastError: 'HTTP 410' });
  });

  it('treats no answer within the timeout as a failed attempt', async () => {
    const { receiver, dispatcher } = await setUp(['hang'], { timeoutMs: 100 });
    await dispatcher.enqueue('pk_test_demo', receiver.url, [newSecret()], blocked);
    expect(await dispatcher.drainOnce()).toMatchObject({ retried: 1 });
  });

  it('delivers each message once when two dispatchers race for the queue', async () => {
    const { receiver, dispatcher, store, dispatcherOn } = await setUp([], { batchSize: 3 });
    const other = dispatcherOn(store);
    const ids = new Set<string>();
    for (let index = 0; index < 10; index += 1) {
      ids.add((await dispatcher.enqueue('pk_test_demo', receiver.url, [newSecret()], blocked)).webhookId);
    }
    const reports = await Promise.all(
      Array.from({ length: 8 }, (_, index) => (index % 2 === 0 ? dispatcher : other).drainOnce()),
    );
    expect(reports.reduce((sum, report) => sum + report.delivered, 0)).toBe(10);
    expect(reports.reduce((sum, report) => sum + report.claimed, 0)).toBe(10);
    expect(receiver.received.map((request) => request.headers['webhook-id']).sort()).toEqual([...ids].sort());
  });

  it('does not send again after a crash between the 2xx and the ack', async () => {
    const { receiver, clock, store, dispatcherOn } = await setUp();
    const crashing = Object.create(store) as Store;
    crashing.ack = async () => {
      throw new Error('process killed');
    };
    const first = dispatcherOn(crashing);
    await first.enqueue('pk_test_demo', receiver.url, [newSecret()], blocked);
    await expect(first.drainOnce()).rejects.toThrow('process killed');
    expect(receiver.received).toHaveLength(1);

    clock.advance(3_600_000); // the lease ran out: the message is claimable again
    const second = dispatcherOn(store);
    expect(await second.drainOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(receiver.received).toHaveLength(1);
    expect(await store.queueSize('webhooks')).toBe(0);
  });

  it('keeps the queue across a restart: a new dispatcher on a reopened store delivers', async () => {
    const { receiver, clock, space, store, dispatcher } = await setUp();
    await dispatcher.enqueue('pk_test_demo', receiver.url, [newSecret()], blocked);
    if (storeUnderTest.name === 'redis') await store.close();

    const reopened = storeUnderTest.create(clock, space);
    cleanups.push(() => reopened.close());
    const restarted = new WebhookDispatcher({ store: reopened, clock, allowInsecure: true });
    expect(await restarted.drainOnce()).toMatchObject({ delivered: 1 });
    expect(receiver.received).toHaveLength(1);
  });

  it('dead-letters a queued message whose target is no longer allowed', async () => {
    const { receiver, dispatcher, clock, store } = await setUp();
    await dispatcher.enqueue('pk_test_demo', receiver.url, [newSecret()], blocked);
    const strict = new WebhookDispatcher({ store, clock, allowInsecure: false });
    expect(await strict.drainOnce()).toMatchObject({ deadLettered: 1 });
    expect(receiver.received).toHaveLength(0);
    expect((await strict.deadLetters())[0]).toMatchObject({ lastError: 'target refused', attempts: 1 });
  });

  it('keeps polling after the store failed once, and logs without secrets', async () => {
    const { receiver, clock, store } = await setUp();
    const flaky = Object.create(store) as Store;
    let failures = 1;
    flaky.claim = (...args) => {
      if (failures-- > 0) return Promise.reject(new Error('store unavailable'));
      return store.claim(...args);
    };
    const lines: unknown[] = [];
    const logger = {
      info: (...entry: unknown[]) => lines.push(entry),
      warn: (...entry: unknown[]) => lines.push(entry),
    };
    const dispatcher = new WebhookDispatcher({
      store: flaky,
      clock,
      allowInsecure: true,
      pollIntervalMs: 5,
      logger,
    });
    const secret = newSecret();
    await dispatcher.enqueue('pk_test_demo', receiver.url, [secret], blocked);
    dispatcher.start();
    await receiver.receivedCount(1);
    await dispatcher.stop();
    const logged = JSON.stringify(lines);
    expect(logged).toContain('webhook queue unavailable');
    expect(logged).not.toContain(secret.slice(6));
    expect(logged).not.toContain('hooks/proofline');
  });

  it('polls in the background between start() and stop()', async () => {
    const { receiver, dispatcher } = await setUp([], { pollIntervalMs: 5 });
    dispatcher.start();
    await dispatcher.enqueue('pk_test_demo', receiver.url, [newSecret()], blocked);
    await dispatcher.enqueue('pk_test_demo', receiver.url, [newSecret()], blocked);
    await receiver.receivedCount(2);
    await dispatcher.stop();
    expect(receiver.received).toHaveLength(2);
  });
});
