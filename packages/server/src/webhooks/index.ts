export {
  WebhookDispatcher,
  type WebhookDispatcherOptions,
} from './dispatcher.js';

export { checkWebhookTarget, isPublicAddress } from './target.js';
