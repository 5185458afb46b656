export {
  DEFAULT_RETRY_FOR_MS,
  WebhookDispatcher,
  type WebhookDispatcherOptions,
  type WebhookEndpoints,
} from './dispatcher.js';
export { maskPhoneNumbers } from './masking.js';

export { checkWebhookTarget, checkWebhookUrl, isPublicAddress, type ResolveHost } from './target.js';
