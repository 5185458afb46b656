import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock/index.js';
import { type RedisNodeProcess, startRedisNode } from '../store/redis-servers.js';
import { startTestServer, testKeyPrefix } from '../support/server.js';
import { clientOf } from './client.js';

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** The server as production runs it, in its own process, so that it can be killed for real. */
async function startServerProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  for await (const chunk of child.stdout!) {
    output += chunk.toString();
    const match = /proofline listening on (http:\/\/\S+)/.exec(output);
    if (match) return { child, url: match[1]! };
  }
  throw new Error(`server did not start: ${output}`);
}

/**
 * The site's endpoint: down (503) until `open()`, so nothing is delivered before the kill and
 * every webhook is still in the queue when the process dies.
 */
async function startGatedReceiver() {
  const received: { accepted: boolean; headers: IncomingHttpHeaders; body: string }[] = [];
  let accepting = false;
  let waiter: { count: number; resolve: () => void } | undefined;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({ accepted: accepting, headers: request.headers, body: Buffer.concat(chunks).toString() });
    response.writeHead(accepting ? 200 : 503).end();
    if (waiter && received.filter((entry) => entry.accepted).length >= waiter.count) waiter.resolve();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = () => received.filter((entry) => entry.accepted);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    accepted,
    open() {
      accepting = true;
    },
    acceptedCount(count: number): Promise<void> {
      if (accepted().length >= count) return Promise.resolve();
      return new Promise((resolve) => {
        waiter = { count, resolve };
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the server killed (SIGKILL) during a burst', () => {
  let redis: RedisNodeProcess & { close(): Promise<void> };
  let receiver: Awaited<ReturnType<typeof startGatedReceiver>>;
  const processes: ChildProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisNode();
    receiver = await startGatedReceiver();
  });
  afterAll(async () => {
    for (const child of processes)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await receiver?.close();
    await redis?.close();
  });

  it('delivers after the restart every webhook queued before the kill, each once', async () => {
    const env = {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: testKeyPrefix(),
      ALLOW_INSECURE_WEBHOOKS: 'true',
      SERVER_SECRET: 'a-server-secret-of-at-least-32-characters',
      // One test client is one IP sending to one prefix: the default limits would refuse the burst.
      FRAUD_POLICY: JSON.stringify({
        rateLimits: {
          ip: [{ points: 1000, durationSeconds: 60 }],
          prefix: [{ points: 1000, durationSeconds: 60 }],
        },
        // Nor would the pumping rules, seeing 40 adjacent numbers of one network within a second.
        pumping: { prefixMinSends: 1000, adjacentNumbers: 1000, networkMinPrefixes: 1000 },
      }),
    };
    const { child, url } = await startServerProcess(env);
    processes.push(child);
    const exited = once(child, 'exit');
    const api = clientOf(url);
    expect(
      (await api.backend('PUT', '/v1/settings/phone-verification', { webhook_url: receiver.url })).status,
    ).toBe(200);

    // Twenty approvals: each answer comes after its `verification.approved` webhook is queued.
    const phones = Array.from({ length: 20 }, (_, index) => `+4474004000${String(index).padStart(2, '0')}`);
    const started = await Promise.all(phones.map((phone) => api.start(phone)));
    const approvals = await Promise.all(
      started.map(async (answer, index) =>
        api.check(answer.body.result.data.verificationId, await api.code(phones[index]!)),
      ),
    );
    expect(approvals.map((answer) => answer.body.result.data.status)).toEqual(phones.map(() => 'approved'));

    // More traffic in flight when the process dies.
    const inFlight = Array.from({ length: 20 }, (_, index) =>
      api.start(`+4474004001${String(index).padStart(2, '0')}`).catch(() => null),
    );
    child.kill('SIGKILL');
    await exited;
    await Promise.all(inFlight);

    expect(receiver.accepted()).toEqual([]);

    // The restarted server runs a clock 15 minutes ahead: retries the killed one scheduled, and
    // deliveries it had leased, are due at once, as they would be once that time has passed.
    receiver.open();
    const later: Clock = { now: () => Date.now() + 15 * 60_000 };
    const restarted = await startTestServer({ clock: later, env });
    try {
      await receiver.acceptedCount(approvals.length);
      const ids = receiver.accepted().map((webhook) => webhook.headers['webhook-id']);
      expect(new Set(ids).size).toBe(ids.length);
      const approvedIds = receiver
        .accepted()
        .map((webhook) => JSON.parse(webhook.body))
        .filter((event) => event.type === 'verification.approved')
        .map((event) => event.data.verification_id)
        .sort();
      expect(approvedIds).toEqual(approvals.map((answer) => answer.body.result.data.verificationId).sort());
    } finally {
      await restarted.close();
    }
  });
});
