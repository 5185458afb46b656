export type { DeliveryOutcome } from './delivery.js';
export {
  DEFAULT_RETRY_DELAYS_MS,
  DEFAULT_RETRY_FOR_MS,
  type DeadLetter,
  type DrainReport,
  WebhookDispatcher,
  type WebhookDispatcherOptions,
  type WebhookEndpoints,
  type WebhookEvent,
} from './dispatcher.js';
export { maskPhoneNumbers } from './masking.js';
export { newWebhookId, webhookHeaders } from './signing.js';
export { checkWebhookTarget, checkWebhookUrl, isPublicAddress, type ResolveHost } from './target.js';
