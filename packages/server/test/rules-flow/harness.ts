import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startSilentServer } from '../silent/harness.js';
import { startReceiver } from '../webhooks/receiver.js';

type WebhookBody = { type: string; data: Record<string, unknown> };

/** A server with the embedded sandbox operator whose webhooks go to a local receiver. */
async function startRulesServer() {
  const h = await startSilentServer();
  const receiver = await startReceiver();
  const set = await h.client.rest('PUT', '/v1/settings/phone-verification', { webhook_url: receiver.url });
  expect(set.status).toBe(200);

  /** Webhooks of one type the site received so far, parsed. */
  const received = (type: string): WebhookBody[] =>
    receiver.received
      .map((hook) => JSON.parse(hook.body) as WebhookBody)
      .filter((body) => body.type === type);

  return {
    h,
    receiver,
    received,
    async addRule(rule: Record<string, unknown>) {
      const posted = await h.client.rest('POST', '/v1/workflows/rules', rule);
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      return posted.body;
    },
    /** Removes every rule a test added. */
    async deleteRules() {
      const { body } = await h.client.rest<{ rules: { rule_id: string }[] }>('GET', '/v1/workflows/rules');
      for (const rule of body.rules ?? [])
        await h.client.rest('DELETE', `/v1/workflows/rules/${rule.rule_id}`);
    },
    /** The first webhook of `type` whose data `matches`, waiting for it if it has not come yet. */
    async webhookFor(
      type: string,
      matches: (data: Record<string, unknown>) => boolean,
    ): Promise<WebhookBody> {
      for (let count = receiver.received.length + 1; ; count++) {
        const found = received(type).find((body) => matches(body.data));
        if (found) return found;
        await receiver.receivedCount(count);
      }
    },
    async close() {
      await h.server.close();
      await receiver.close();
    },
  };
}

export type SilentServer = Awaited<ReturnType<typeof startSilentServer>>;

/**
 * The setting for flows under the site's workflow rules, shared by the rules-flow and rule-actions
 * tests: one server for the file (handed to `onStart`), every rule a test added removed after it.
 */
export function useRulesServer(onStart: (h: SilentServer) => void) {
  let server: Awaited<ReturnType<typeof startRulesServer>>;
  beforeAll(async () => {
    server = await startRulesServer();
    onStart(server.h);
  });
  afterAll(() => server.close());
  afterEach(() => server.deleteRules());
  return {
    addRule: (rule: Record<string, unknown>) => server.addRule(rule),
    received: (type: string) => server.received(type),
    webhookFor: (type: string, matches: (data: Record<string, unknown>) => boolean) =>
      server.webhookFor(type, matches),
  };
}
