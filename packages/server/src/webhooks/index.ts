export type { DeliveryOutcome } from './delivery.js';
export {
  DEFAULT_RETRY_DELAYS_MS,
  type DeadLetter,
  type DrainReport,
  WebhookDispatcher,
  type WebhookDispatcherOptions,
  type WebhookEvent,
} from './dispatcher.js';
export { newWebhookId, webhookHeaders } from './signing.js';
export { checkWebhookTarget, isPublicAddress } from './target.js';
