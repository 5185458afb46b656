import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A Standard Webhooks message id: stable across retries, so receivers use it to drop duplicates. */
export function newWebhookId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

/**
 * The three Standard Webhooks headers for one attempt. Each secret adds a `v1,` signature, so
 * during a rotation a receiver holding either the old or the new secret accepts the message.
 */
export function webhookHeaders(
  webhookId: string,
  attemptAtMs: number,
  body: string,
  secrets: readonly string[],
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const at = new Date(attemptAtMs);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(attemptAtMs / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(webhookId, at, body)).join(' '),
  };
}
