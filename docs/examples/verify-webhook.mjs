// Verify a Proofline webhook with the `standardwebhooks` package before trusting it.
import { Webhook } from 'standardwebhooks';

/** Answers the event, or throws when the signature, the id or the timestamp is not right. */
export function verifyProoflineWebhook(secret, headers, rawBody) {
  const event = new Webhook(secret).verify(rawBody, {
    'webhook-id': headers['webhook-id'],
    'webhook-timestamp': headers['webhook-timestamp'],
    'webhook-signature': headers['webhook-signature'],
  });
  return event; // { type: 'verification.approved', timestamp, data: {…} }
}
