// A handler written for Vonage's status callbacks keeps its logic: a request started through the
// Vonage API ends with a Proofline webhook whose `data` is Vonage's `summary`. Check Proofline's
// Standard Webhooks signature instead of Vonage's signed JWT, then hand the summary on.
import { verifyProoflineWebhook } from './verify-webhook.mjs';

/** Vonage's summary in a signed Proofline webhook; null for an event that carries none. */
export function vonageSummaryOf(secret, headers, rawBody) {
  const event = verifyProoflineWebhook(secret, headers, rawBody);
  return event.data?.type === 'summary' ? event.data : null;
}
